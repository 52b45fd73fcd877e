import type { InvitationPreviewLineResolvers, OfferResolvers } from '../__generated__/resolvers-types.js';
import type { OfferRow } from '../db/index.js';
import { describedIn } from '../domain/rules.js';
import type { Loaders } from '../loaders.js';

/** The offers among `ids` the viewer's partner may sell, in order: one statement per request, however many offers ask. */
const visibleOffers = async (ids: string[], loaders: Loaders): Promise<OfferRow[]> =>
  (await loaders.offer.loadMany(ids)).filter((row): row is OfferRow => row !== null && !(row instanceof Error));

export const Offer: OfferResolvers = {
  // An offer the viewer's partner may not sell is null, exactly like an unknown id.
  __resolveReference: ({ id }, { loaders }) => loaders.offer.load(id),
  prerequisiteOffers: (offer, _args, { loaders }) => visibleOffers(offer.prerequisiteOfferIds, loaders),
  upgradeTargets: (offer, _args, { loaders }) => visibleOffers(offer.upgradeTargetIds, loaders),
  convertsTo: (offer, _args, { loaders }) => (offer.convertsToId ? loaders.offer.load(offer.convertsToId) : null),
  description: (offer, { language }) => describedIn(offer, language),
  countries: (offer) => [...offer.countries].sort(),
  unitPrice: (offer) => Number(offer.unitPrice),
};

export const InvitationPreviewLine: InvitationPreviewLineResolvers = {
  description: (line, { language }) => describedIn(line, language),
};
