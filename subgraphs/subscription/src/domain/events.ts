import type { EventType, NewEvent } from '@partner-graph/platform';
import type { SubscriptionRow } from '../db/index.js';

/** An event about one subscription: whose it is, its state after the change, and `extra`. */
export function subscriptionEvent(type: EventType, row: SubscriptionRow, extra: Record<string, unknown>): NewEvent {
  return {
    type,
    partnerId: row.partnerId,
    objectType: 'CustomerSubscription',
    objectId: row.id,
    data: { customerId: row.customerId, status: row.status, quantity: row.quantity, version: row.version, ...extra },
  };
}
