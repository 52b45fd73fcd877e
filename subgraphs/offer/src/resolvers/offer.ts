import type { OfferResolvers } from '../__generated__/resolvers-types.js';
import type { OfferRow } from '../db/index.js';

export const Offer: OfferResolvers = {
  // An offer the viewer's partner may not sell is null, exactly like an unknown id.
  __resolveReference: ({ id }, { loaders }) => loaders.offer.load(id),
  prerequisiteOffers: async (offer, _args, { loaders }) => {
    const found = await loaders.offer.loadMany(offer.prerequisiteOfferIds);
    return found.filter((row): row is OfferRow => row !== null && !(row instanceof Error));
  },
  countries: (offer) => [...offer.countries].sort(),
  unitPrice: (offer) => Number(offer.unitPrice),
};
