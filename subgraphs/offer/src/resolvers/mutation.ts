import { payload } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  createTrialInvitation: (_root, { offerId, includeDelegatedAdmin, idempotencyKey }, { invitations, viewer, requestId }) =>
    payload(async () => ({
      trialInvitation: await invitations.createTrialInvitation({ viewer, requestId }, { offerId, includeDelegatedAdmin }, idempotencyKey),
    })),
  revokeTrialInvitation: (_root, { id }, { invitations, viewer, requestId }) =>
    payload(async () => ({ trialInvitation: await invitations.revokeTrialInvitation({ viewer, requestId }, id) })),
  createPurchaseOffer: (_root, { lines, includeDelegatedAdmin, idempotencyKey }, { invitations, viewer, requestId }) =>
    payload(async () => ({
      purchaseOffer: await invitations.createPurchaseOffer(
        { viewer, requestId },
        { lines: lines.map(({ offerId, quantity }) => ({ offerId, quantity })), includeDelegatedAdmin },
        idempotencyKey,
      ),
    })),
  revokePurchaseOffer: (_root, { id }, { invitations, viewer, requestId }) =>
    payload(async () => ({ purchaseOffer: await invitations.revokePurchaseOffer({ viewer, requestId }, id) })),
};
