import { authorize, requireService } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { normaliseCountry } from '../domain/rules.js';

export const Query: QueryResolvers = {
  // A bad argument (country, cursor, page size) throws a DomainError: the platform answers it BAD_USER_INPUT.
  offers: (_root, args, { catalogue, viewer }) => catalogue.list(viewer, args),
  offer: async (_root, { id, country }, { viewer, loaders }) => {
    authorize(viewer);
    const wanted = normaliseCountry(country);
    const offer = await loaders.offer.load(id);
    return offer && (!wanted || offer.countries.includes(wanted)) ? offer : null;
  },
  offerCategories: (_root, { country }, { catalogue, viewer }) => catalogue.categories(viewer, country),
  trialInvitations: (_root, args, { invitations, viewer }) => invitations.listTrialInvitations(viewer, args),
  purchaseOffers: (_root, args, { invitations, viewer }) => invitations.listPurchaseOffers(viewer, args),
  // Customer side: the code in the URL is the only authorisation, and the answer says nothing else.
  trialInvitationByCode: (_root, { code }, { invitations, requestId }) => invitations.trialInvitationPreview(code, requestId),
  purchaseOfferByCode: (_root, { code }, { invitations, requestId }) => invitations.purchaseOfferPreview(code, requestId),
  offerAcceptance: (_root, { code, id }, { acceptances }) => acceptances.get(code, id),
  offerAvailability: async (_root, { partnerId, country, offerIds }, { signed, catalogue }) => {
    requireService(signed);
    return catalogue.availability(partnerId, country, offerIds);
  },
};
