export type { SubscriptionRow, LicenceAssignmentRow, SubscriptionHistoryRow, RenewalNoticeRow } from './db/entities.js';

/**
 * The customer subgraph owns Customer: here its key and, where the query plan brings it
 * (`@requires` of Customer.subscriptions), its signed answer for the viewer about the customer.
 */
export interface CustomerReference {
  id: string;
  accessGrant?: unknown;
}
