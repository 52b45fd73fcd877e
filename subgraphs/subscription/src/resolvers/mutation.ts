import { payload, requireService } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { ScheduledChange, SubscriptionRow } from '../db/index.js';
import { scheduledChangeOf } from './customer-subscription.js';

/** A change payload: the subscription (as it is, or would be with dryRun) or the errors. */
const changed = async (dryRun: boolean, run: () => Promise<SubscriptionRow>) => ({
  dryRun,
  clearedScheduledChange: null,
  ...(await payload(async () => ({ subscription: await run() }))),
});

/** A change that may clear part of the scheduled change: the payload says which. */
const clearing = async (
  dryRun: boolean,
  run: () => Promise<{ subscription: SubscriptionRow; clearedScheduledChange: ScheduledChange | null }>,
) => ({
  dryRun,
  ...(await payload(async () => {
    const { subscription, clearedScheduledChange } = await run();
    return { subscription, clearedScheduledChange: scheduledChangeOf(subscription, clearedScheduledChange) };
  })),
});

export const Mutation: MutationResolvers = {
  addSubscription: (_root, { customerId, offerId, quantity, idempotencyKey, dryRun }, { subscriptions, actor }) =>
    changed(dryRun ?? false, () => subscriptions.addSubscription(actor, { customerId, offerId, quantity, idempotencyKey, dryRun })),
  changeSubscriptionQuantity: (_root, { id, quantity, expectedVersion, dryRun }, { subscriptions, actor }) =>
    clearing(dryRun ?? false, () => subscriptions.changeQuantity(actor, id, quantity, expectedVersion, dryRun ?? false)),
  suspendSubscription: (_root, { id, expectedVersion }, { subscriptions, actor }) =>
    changed(false, () => subscriptions.suspend(actor, id, expectedVersion)),
  activateSubscription: (_root, { id, expectedVersion }, { subscriptions, actor }) =>
    changed(false, () => subscriptions.activate(actor, id, expectedVersion)),
  setSubscriptionAutoRenew: (_root, { id, enabled, expectedVersion }, { subscriptions, actor }) =>
    clearing(false, () => subscriptions.setAutoRenew(actor, id, enabled, expectedVersion)),
  assignLicence: (_root, { subscriptionId, userId, expectedVersion }, { subscriptions, actor }) =>
    payload(async () => ({ subscription: await subscriptions.assignLicence(actor, subscriptionId, userId, expectedVersion) })),
  unassignLicence: (_root, { subscriptionId, userId, expectedVersion }, { subscriptions, actor }) =>
    payload(async () => ({ subscription: await subscriptions.unassignLicence(actor, subscriptionId, userId, expectedVersion) })),
  renewSubscriptionWithDirectBilling: (_root, { id, expectedVersion }, { subscriptions, actor }) =>
    payload(() => subscriptions.renewWithDirectBilling(actor, id, expectedVersion)),
  upgradeSubscription: async (_root, args, { subscriptions, actor }) => ({
    dryRun: args.dryRun ?? false,
    ...(await payload(async () => {
      const { subscription, previous, clearedScheduledChange } = await subscriptions.upgrade(actor, args);
      return { subscription, previous, clearedScheduledChange: scheduledChangeOf(previous, clearedScheduledChange) };
    })),
  }),
  convertTrialSubscription: (_root, args, { subscriptions, actor }) =>
    changed(args.dryRun ?? false, () => subscriptions.convertTrial(actor, args)),
  cancelSubscription: (_root, args, { subscriptions, actor }) => clearing(args.dryRun ?? false, () => subscriptions.cancel(actor, args)),
  scheduleSubscriptionChange: (_root, args, { subscriptions, actor }) =>
    changed(args.dryRun ?? false, () => subscriptions.scheduleChange(actor, args)),
  removeScheduledSubscriptionChange: (_root, args, { subscriptions, actor }) =>
    changed(args.dryRun ?? false, () => subscriptions.removeScheduledChange(actor, args)),
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
