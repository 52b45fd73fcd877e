import type { ScheduledChange } from './db/entities.js';

export type { SubscriptionRow, LicenceAssignmentRow, SubscriptionHistoryRow, RenewalNoticeRow } from './db/entities.js';

/** A scheduled change with the end date of the term whose renewal applies it. */
export interface ScheduledChangeOf {
  change: ScheduledChange;
  effectiveDate: Date;
}

/**
 * The customer subgraph owns Customer: here its key and, where the query plan brings it
 * (`@requires` of Customer.subscriptions), its signed answer for the viewer about the customer.
 */
export interface CustomerReference {
  id: string;
  accessGrant?: unknown;
}
