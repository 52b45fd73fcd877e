import { authorize, requireService } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { normaliseCountry } from '../domain/catalogue.js';
import { queryInput } from './input-errors.js';

export const Query: QueryResolvers = {
  offers: (_root, args, { catalogue, viewer }) => queryInput(() => catalogue.list(viewer, args)),
  offer: (_root, { id, country }, { viewer, loaders }) =>
    queryInput(async () => {
      authorize(viewer);
      const wanted = normaliseCountry(country);
      const offer = await loaders.offer.load(id);
      return offer && (!wanted || offer.countries.includes(wanted)) ? offer : null;
    }),
  offerCategories: (_root, { country }, { catalogue, viewer }) => queryInput(() => catalogue.categories(viewer, country)),
  trialInvitations: (_root, args, { invitations, viewer }) => queryInput(() => invitations.listTrialInvitations(viewer, args)),
  purchaseOffers: (_root, args, { invitations, viewer }) => queryInput(() => invitations.listPurchaseOffers(viewer, args)),
  offerAvailability: async (_root, { partnerId, country, offerIds }, { signed, catalogue }) => {
    requireService(signed);
    return catalogue.availability(partnerId, country, offerIds);
  },
};
