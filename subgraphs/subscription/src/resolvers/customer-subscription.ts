import { isAllowed } from '@partner-graph/platform';
import type {
  CustomerSubscriptionResolvers,
  LicenceAssignmentResolvers,
  ScheduledSubscriptionChangeResolvers,
  SubscriptionHistoryEntryResolvers,
} from '../__generated__/resolvers-types.js';
import type { ScheduledChangeOf } from '../codegen-mappers.js';
import type { ScheduledChange, SubscriptionRow } from '../db/index.js';
import { allowedActions, isSoldBy, quantityRangeOf, READ_SUBSCRIPTIONS, SELL_SUBSCRIPTIONS } from '../domain/rules.js';

export const CustomerSubscription: CustomerSubscriptionResolvers = {
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (!isAllowed(viewer, READ_SUBSCRIPTIONS)) return null;
    const row = await loaders.subscription.load(id);
    return row && (await loaders.customerAccess.load(row.customerId)) ? row : null;
  },
  customer: (row) => ({ id: row.customerId }),
  offer: (row) => ({ id: row.offerId }),
  partnerOnRecord: (row) => (row.partnerId ? { id: row.partnerId } : null),
  assignedLicences: async (row, _args, { loaders }) => (await loaders.licenceAssignments.load(row.id)).length,
  availableLicences: async (row, _args, { loaders }) => Math.max(0, row.quantity - (await loaders.licenceAssignments.load(row.id)).length),
  allowedActions: async (row, _args, { viewer, loaders, clock }) => {
    const [access, assignments] = await Promise.all([loaders.customerAccess.load(row.customerId), loaders.licenceAssignments.load(row.id)]);
    // The offer's seat range matters only for a change of quantity the viewer could otherwise make.
    const asksOffer = access && row.status === 'ACTIVE' && isSoldBy(viewer, row) && isAllowed(viewer, SELL_SUBSCRIPTIONS);
    const offer = asksOffer ? await loaders.offerAvailability.load(`${access.country}:${row.offerId}`) : null;
    return allowedActions(viewer, row, access, {
      assignedLicences: assignments.length,
      quantityRange: offer?.available ? quantityRangeOf(offer) : null,
      upgradeTargetIds: offer?.available ? offer.upgradeTargetIds : [],
      convertsToId: offer?.available ? (offer.convertsToId ?? null) : null,
      now: clock.now(),
    });
  },
  licenceAssignments: (row, _args, { loaders }) => loaders.licenceAssignments.load(row.id),
  renewedFrom: async (row, _args, { loaders }) => {
    if (!row.renewedFromId) return null;
    const previous = await loaders.subscription.load(row.renewedFromId);
    return previous && (await loaders.customerAccess.load(previous.customerId)) ? previous : null;
  },
  replacedBy: async (row, _args, { loaders }) =>
    row.status === 'REPLACED' ? ((await loaders.replacements.load(row.id))[0] ?? null) : null,
  history: (row, _args, { loaders }) => loaders.history.load(row.id),
  // On the row itself: no statement, however many subscriptions a page lists.
  scheduledChange: (row) => scheduledChangeOf(row, row.scheduledChange),
  cancelledAt: (row) => row.cancelledAt ?? null,
  refundAmount: (row) => (row.refundAmount == null ? null : Number(row.refundAmount)),
  refundCurrency: (row) => row.refundCurrency ?? null,
};

/** A scheduled change as the API shows it: applied by the renewal at the end of the current term. */
export const scheduledChangeOf = (
  row: Pick<SubscriptionRow, 'endDate'>,
  change: ScheduledChange | null | undefined,
): ScheduledChangeOf | null => (change ? { change, effectiveDate: row.endDate } : null);

export const ScheduledSubscriptionChange: ScheduledSubscriptionChangeResolvers = {
  quantity: ({ change }) => change.quantity ?? null,
  offer: ({ change }) => (change.offerId ? { id: change.offerId } : null),
  termMonths: ({ change }) => change.termMonths ?? null,
  billingCycle: ({ change }) => change.billingCycle ?? null,
  scheduledAt: ({ change }) => new Date(change.scheduledAt),
};

export const LicenceAssignment: LicenceAssignmentResolvers = {
  userId: (row) => row.customerUserId,
};

export const SubscriptionHistoryEntry: SubscriptionHistoryEntryResolvers = {
  // Only the viewer's own partner's users resolve; the partner subgraph hides the others.
  changedBy: (row, _args, { viewer }) =>
    row.userId && viewer.kind === 'partner-user' && row.partnerId === viewer.partnerId ? { id: row.userId } : null,
};
