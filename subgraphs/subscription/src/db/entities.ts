import { EntitySchema } from 'typeorm';

export const SUBSCRIPTION_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED', 'REPLACED', 'CANCELLED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const SUBSCRIPTION_CHANNELS = ['RESELLER', 'DIRECT', 'ADVISOR', 'PRODUCT_KEY'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];
export type HistoryActorKind = 'PARTNER_USER' | 'SERVICE' | 'SYSTEM';
export type RenewalNoticeRecipient = 'CUSTOMER_CONTACT' | 'PARTNER_ON_RECORD';

/** What a subscription takes at its next renewal (each part optional; at least one given). */
export interface ScheduledChange {
  quantity?: number;
  offerId?: string;
  /** The offer's name, which the subscription's friendly name becomes. */
  offerName?: string;
  termMonths?: number;
  billingCycle?: string;
  scheduledAt: string;
}

export interface SubscriptionRow {
  id: string;
  customerId: string;
  offerId: string;
  /** Partner on record; null for a direct purchase without one. */
  partnerId: string | null;
  channel: SubscriptionChannel;
  friendlyName: string;
  quantity: number;
  status: SubscriptionStatus;
  isTrial: boolean;
  termMonths: number;
  billingCycle: string | null;
  startDate: Date;
  endDate: Date;
  autoRenew: boolean;
  version: number;
  renewedFromId: string | null;
  /** Cancelled within the window: when, and the refund (numeric as a string, no cent lost). */
  cancelledAt?: Date | null;
  refundAmount?: string | null;
  refundCurrency?: string | null;
  scheduledChange?: ScheduledChange | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LicenceAssignmentRow {
  subscriptionId: string;
  customerUserId: string;
  assignedAt: Date;
}

/** A licence a deleted customer user held: given back if the user is restored (within 30 days) and a seat is free. */
export interface ReleasedLicenceRow {
  subscriptionId: string;
  customerUserId: string;
  customerId: string;
  assignedAt: Date;
  releasedAt: Date;
}

export interface SubscriptionHistoryRow {
  id: string;
  /** Insertion order: changes of one subscription are serialised by its row lock. */
  seq: number;
  subscriptionId: string;
  customerId: string;
  occurredAt: Date;
  actorKind: HistoryActorKind;
  partnerId: string | null;
  userId: string | null;
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  requestId: string;
}

export interface RenewalNoticeRow {
  id: string;
  subscriptionId: string;
  customerId: string;
  partnerId: string | null;
  endDate: Date;
  daysBefore: number;
  recipients: RenewalNoticeRecipient[];
  /** The change the renewal will apply, as it stood when the notice was recorded. */
  scheduledChange: ScheduledChange | null;
  recordedAt: Date;
}

export const Subscription = new EntitySchema<SubscriptionRow>({
  name: 'Subscription',
  tableName: 'subscription',
  columns: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid', name: 'customer_id' },
    offerId: { type: 'uuid', name: 'offer_id' },
    partnerId: { type: 'uuid', name: 'partner_id', nullable: true },
    channel: { type: 'text' },
    friendlyName: { type: 'text', name: 'friendly_name' },
    quantity: { type: 'int' },
    status: { type: 'text' },
    isTrial: { type: 'boolean', name: 'is_trial' },
    termMonths: { type: 'int', name: 'term_months' },
    billingCycle: { type: 'text', name: 'billing_cycle', nullable: true },
    startDate: { type: 'timestamptz', name: 'start_date' },
    endDate: { type: 'timestamptz', name: 'end_date' },
    autoRenew: { type: 'boolean', name: 'auto_renew' },
    version: { type: 'int' },
    renewedFromId: { type: 'uuid', name: 'renewed_from_id', nullable: true },
    cancelledAt: { type: 'timestamptz', name: 'cancelled_at', nullable: true },
    refundAmount: { type: 'numeric', precision: 12, scale: 2, name: 'refund_amount', nullable: true },
    refundCurrency: { type: 'char', length: 3, name: 'refund_currency', nullable: true },
    scheduledChange: { type: 'jsonb', name: 'scheduled_change', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});

export const LicenceAssignment = new EntitySchema<LicenceAssignmentRow>({
  name: 'LicenceAssignment',
  tableName: 'licence_assignment',
  columns: {
    subscriptionId: { type: 'uuid', name: 'subscription_id', primary: true },
    customerUserId: { type: 'uuid', name: 'customer_user_id', primary: true },
    assignedAt: { type: 'timestamptz', name: 'assigned_at' },
  },
});

export const ReleasedLicence = new EntitySchema<ReleasedLicenceRow>({
  name: 'ReleasedLicence',
  tableName: 'released_licence',
  columns: {
    subscriptionId: { type: 'uuid', name: 'subscription_id', primary: true },
    customerUserId: { type: 'uuid', name: 'customer_user_id', primary: true },
    customerId: { type: 'uuid', name: 'customer_id' },
    assignedAt: { type: 'timestamptz', name: 'assigned_at' },
    releasedAt: { type: 'timestamptz', name: 'released_at' },
  },
});

export const SubscriptionHistory = new EntitySchema<SubscriptionHistoryRow>({
  name: 'SubscriptionHistory',
  tableName: 'subscription_history',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    seq: { type: 'int', generated: 'increment' },
    subscriptionId: { type: 'uuid', name: 'subscription_id' },
    customerId: { type: 'uuid', name: 'customer_id' },
    occurredAt: { type: 'timestamptz', name: 'occurred_at' },
    actorKind: { type: 'text', name: 'actor_kind' },
    partnerId: { type: 'uuid', name: 'partner_id', nullable: true },
    userId: { type: 'uuid', name: 'user_id', nullable: true },
    action: { type: 'text' },
    field: { type: 'text', nullable: true },
    oldValue: { type: 'text', name: 'old_value', nullable: true },
    newValue: { type: 'text', name: 'new_value', nullable: true },
    requestId: { type: 'text', name: 'request_id' },
  },
});

export const RenewalNotice = new EntitySchema<RenewalNoticeRow>({
  name: 'RenewalNotice',
  tableName: 'renewal_notice',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    subscriptionId: { type: 'uuid', name: 'subscription_id' },
    customerId: { type: 'uuid', name: 'customer_id' },
    partnerId: { type: 'uuid', name: 'partner_id', nullable: true },
    endDate: { type: 'timestamptz', name: 'end_date' },
    daysBefore: { type: 'int', name: 'days_before' },
    recipients: { type: 'text', array: true },
    scheduledChange: { type: 'jsonb', name: 'scheduled_change', nullable: true },
    recordedAt: { type: 'timestamptz', name: 'recorded_at' },
  },
});
