import { payload, requireService } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { SubscriptionRow } from '../db/index.js';

/** A change payload: the subscription (as it is, or would be with dryRun) or the errors. */
const changed = async (dryRun: boolean, run: () => Promise<SubscriptionRow>) => ({
  dryRun,
  ...(await payload(async () => ({ subscription: await run() }))),
});

export const Mutation: MutationResolvers = {
  addSubscription: (_root, { customerId, offerId, quantity, idempotencyKey, dryRun }, { subscriptions, actor }) =>
    changed(dryRun ?? false, () => subscriptions.addSubscription(actor, { customerId, offerId, quantity, idempotencyKey, dryRun })),
  changeSubscriptionQuantity: (_root, { id, quantity, expectedVersion, dryRun }, { subscriptions, actor }) =>
    changed(dryRun ?? false, () => subscriptions.changeQuantity(actor, id, quantity, expectedVersion, dryRun ?? false)),
  suspendSubscription: (_root, { id, expectedVersion }, { subscriptions, actor }) => changed(false, () => subscriptions.suspend(actor, id, expectedVersion)),
  activateSubscription: (_root, { id, expectedVersion }, { subscriptions, actor }) => changed(false, () => subscriptions.activate(actor, id, expectedVersion)),
  setSubscriptionAutoRenew: (_root, { id, enabled, expectedVersion }, { subscriptions, actor }) =>
    changed(false, () => subscriptions.setAutoRenew(actor, id, enabled, expectedVersion)),
  assignLicence: (_root, { subscriptionId, userId, expectedVersion }, { subscriptions, actor }) =>
    payload(async () => ({ subscription: await subscriptions.assignLicence(actor, subscriptionId, userId, expectedVersion) })),
  unassignLicence: (_root, { subscriptionId, userId, expectedVersion }, { subscriptions, actor }) =>
    payload(async () => ({ subscription: await subscriptions.unassignLicence(actor, subscriptionId, userId, expectedVersion) })),
  renewSubscriptionWithDirectBilling: (_root, { id, expectedVersion }, { subscriptions, actor }) =>
    payload(() => subscriptions.renewWithDirectBilling(actor, id, expectedVersion)),
  provisionSubscription: (_root, { input, idempotencyKey }, { signed, subscriptions, viewer, requestId }) => {
    requireService(signed);
    return payload(() => subscriptions.provisionSubscription({ viewer, requestId }, input, idempotencyKey));
  },
  releaseCustomerUserLicences: (_root, { customerId, userId }, { signed, subscriptions, viewer, requestId }) => {
    requireService(signed);
    return payload(async () => ({ subscriptionIds: await subscriptions.releaseUserLicences({ viewer, requestId }, customerId, userId) }));
  },
  reinstateCustomerUserLicences: (_root, { customerId, userId }, { signed, subscriptions, viewer, requestId }) => {
    requireService(signed);
    return payload(async () => {
      const { reinstated, notReinstated } = await subscriptions.reinstateUserLicences({ viewer, requestId }, customerId, userId);
      return { subscriptionIds: reinstated, notReinstated };
    });
  },
  extendSubscriptionTerm: (_root, { subscriptionId, months, idempotencyKey }, { signed, subscriptions, actor }) => {
    requireService(signed);
    return payload(async () => {
      const row = await subscriptions.extendTerm(actor, subscriptionId, months, idempotencyKey);
      return { subscriptionId: row.id, status: row.status, endDate: row.endDate };
    });
  },
};
