import type { PurchaseOfferLineResolvers, PurchaseOfferResolvers, TrialInvitationResolvers } from '../__generated__/resolvers-types.js';

export const TrialInvitation: TrialInvitationResolvers = {
  offer: (invitation, _args, { loaders }) => loaders.offer.load(invitation.offerId),
  url: (invitation, _args, { invitations }) => invitations.trialInvitationUrl(invitation),
  createdBy: (invitation) => ({ id: invitation.createdBy }),
};

export const PurchaseOffer: PurchaseOfferResolvers = {
  lines: (purchaseOffer, _args, { loaders }) => loaders.purchaseOfferLines.load(purchaseOffer.id),
  url: (purchaseOffer, _args, { invitations }) => invitations.purchaseOfferUrl(purchaseOffer),
  createdBy: (purchaseOffer) => ({ id: purchaseOffer.createdBy }),
};

export const PurchaseOfferLine: PurchaseOfferLineResolvers = {
  offer: (line, _args, { loaders }) => loaders.offer.load(line.offerId),
};
