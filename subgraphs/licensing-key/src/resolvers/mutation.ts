import { payload } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { RedemptionOutcome } from '../domain/redemptions.js';

const reference = (id: string | null) => (id ? { id } : null);

export const Mutation: MutationResolvers = {
  orderProductKeys: (_root, { offerId, count, seatsPerKey, termMonths, idempotencyKey }, { productKeys, viewer, requestId }) =>
    // On errors the payload still has its (empty) non-null list of keys.
    payload(async () => ({
      keys: await productKeys.order({ viewer, requestId }, { offerId, count, seatsPerKey, termMonths }, idempotencyKey),
    })).then((result) => ({
      ...result,
      keys: result.keys ?? [],
    })),
  redeemProductKeys: (_root, { keys, customer, idempotencyKey }, { redemptions, viewer, requestId }) =>
    payload(async () => {
      const outcome: RedemptionOutcome = await redemptions.redeem({ viewer, requestId }, keys, customer, idempotencyKey);
      const { redemption } = outcome;
      return {
        redemption,
        customer: reference(redemption.customerId),
        subscription: reference(redemption.status === 'COMPLETED' ? redemption.subscriptionId : null),
        adminUserName: redemption.adminUserName,
        temporaryPassword: outcome.temporaryPassword,
        errors: outcome.errors,
      };
    }),
  revokeProductKey: (_root, { id }, { productKeys, viewer, requestId }) =>
    payload(async () => ({ productKey: await productKeys.revoke({ viewer, requestId }, id) })),
  renewSubscriptionWithProductKey: (_root, { subscriptionId, key }, { redemptions, loaders, viewer, requestId }) =>
    payload(async () => {
      const { redemption, errors } = await redemptions.renew({ viewer, requestId }, subscriptionId, key);
      return {
        redemption,
        subscription: reference(redemption.subscriptionId),
        productKey: await loaders.productKey.load(redemption.keyIds[0]!),
        endDate: redemption.endDate,
        errors,
      };
    }),
};
