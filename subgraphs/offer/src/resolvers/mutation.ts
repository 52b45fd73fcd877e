import { payload } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

/** A cap only when given: a request without one is the same request as before caps existed (its idempotency record). */
const capOf = (maxAcceptances: number | null | undefined) => (maxAcceptances == null ? {} : { maxAcceptances });

export const Mutation: MutationResolvers = {
  createTrialInvitation: (_root, { offerId, includeDelegatedAdmin, maxAcceptances, idempotencyKey }, { invitations, viewer, requestId }) =>
    payload(async () => ({
      trialInvitation: await invitations.createTrialInvitation(
        { viewer, requestId },
        { offerId, includeDelegatedAdmin, ...capOf(maxAcceptances) },
        idempotencyKey,
      ),
    })),
  revokeTrialInvitation: (_root, { id }, { invitations, viewer, requestId }) =>
    payload(async () => ({ trialInvitation: await invitations.revokeTrialInvitation({ viewer, requestId }, id) })),
  createPurchaseOffer: (_root, { lines, includeDelegatedAdmin, maxAcceptances, idempotencyKey }, { invitations, viewer, requestId }) =>
    payload(async () => ({
      purchaseOffer: await invitations.createPurchaseOffer(
        { viewer, requestId },
        { lines: lines.map(({ offerId, quantity }) => ({ offerId, quantity })), includeDelegatedAdmin, ...capOf(maxAcceptances) },
        idempotencyKey,
      ),
    })),
  revokePurchaseOffer: (_root, { id }, { invitations, viewer, requestId }) =>
    payload(async () => ({ purchaseOffer: await invitations.revokePurchaseOffer({ viewer, requestId }, id) })),
  // Customer side: any caller, anonymous included; the code is the authorisation.
  acceptTrialInvitation: (_root, { code, customer, idempotencyKey }, { acceptances, viewer, requestId }) =>
    payload(async () => ({ acceptance: await acceptances.acceptTrialInvitation({ viewer, requestId }, code, customer, idempotencyKey) })),
  acceptPurchaseOffer: (_root, { code, customer, quantities, idempotencyKey }, { acceptances, viewer, requestId }) =>
    payload(async () => ({
      acceptance: await acceptances.acceptPurchaseOffer(
        { viewer, requestId },
        code,
        customer,
        quantities?.map(({ offerId, quantity }) => ({ offerId, quantity })),
        idempotencyKey,
      ),
    })),
};
