import type { Resolvers } from '../__generated__/resolvers-types.js';
import { OfferAcceptance } from './acceptance.js';
import { PurchaseOffer, PurchaseOfferLine, TrialInvitation } from './invitations.js';
import { Mutation } from './mutation.js';
import { InvitationPreviewLine, Offer } from './offer.js';
import { Query } from './query.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Offer,
  TrialInvitation,
  PurchaseOffer,
  PurchaseOfferLine,
  OfferAcceptance,
  InvitationPreviewLine,
};
