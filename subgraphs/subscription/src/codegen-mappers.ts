export type { SubscriptionRow, LicenceAssignmentRow, SubscriptionHistoryRow, RenewalNoticeRow } from './db/entities.js';

/** The customer subgraph owns Customer; here it is only its key. */
export interface CustomerReference {
  id: string;
}
