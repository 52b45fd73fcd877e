import type { CustomerAccessInfo } from '@partner-graph/platform';
export type { SubscriptionRow, LicenceAssignmentRow, SubscriptionHistoryRow, RenewalNoticeRow } from './db/entities.js';

/**
 * The customer subgraph owns Customer: here its key and, where the query plan brings them
 * (`@requires` of Customer.subscriptions), its answers for the viewer about the customer.
 */
export interface CustomerReference extends Partial<Omit<CustomerAccessInfo, 'customerId'>> {
  id: string;
}
