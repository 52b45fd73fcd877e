import { EntitySchema } from 'typeorm';
import { storedFailureColumns, type PartnerViewer, type StoredFailure } from '@partner-graph/platform';

export type ProductKeyState = 'AVAILABLE' | 'REDEEMED' | 'REVOKED';
export type ProductKeyUse = 'NEW_ACCOUNT' | 'RENEWAL';
export type RedemptionStatus = 'PENDING' | 'ACCOUNT_CREATED' | 'COMPLETED' | 'FAILED';

/** A product key: only its SHA-256 and its last five characters are stored, never the key. */
export interface ProductKeyRow {
  id: string;
  partnerId: string;
  offerId: string;
  keyHash: string;
  lastFive: string;
  seats: number;
  termMonths: number;
  state: ProductKeyState;
  orderId: string;
  orderedBy: string | null;
  orderedAt: Date;
  /** The redemption or renewal that holds the key (reserved while it runs, kept once redeemed). */
  redemptionId: string | null;
  usedFor: ProductKeyUse | null;
  redeemedAt: Date | null;
  customerId: string | null;
  subscriptionId: string | null;
  updatedAt: Date;
}

/** What the customer subgraph is asked to create for a redemption. */
export interface RedemptionCustomer {
  companyName: string;
  country: string;
  domainPrefix: string | null;
  adminFirstName: string;
  adminLastName: string;
  adminEmail: string;
  adminPhone: string | null;
  addressLine1: string | null;
  city: string | null;
  postalCode: string | null;
}

/**
 * One use of keys (a redemption into a new account, or a renewal): the record that lets the
 * flow resume after a crash, and the idempotency record of the mutation that started it.
 */
export interface RedemptionRow extends StoredFailure {
  id: string;
  partnerId: string;
  usedFor: ProductKeyUse;
  status: RedemptionStatus;
  idempotencyKey: string;
  requestHash: string;
  offerId: string;
  /** The keys used, kept after a failure released them. */
  keyIds: string[];
  seats: number;
  termMonths: number;
  customer: RedemptionCustomer | null;
  /** The partner user who started it: later steps (a job after a crash) act as them. */
  requestedBy: PartnerViewer;
  customerId: string | null;
  subscriptionId: string | null;
  adminUserName: string | null;
  endDate: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export const ProductKey = new EntitySchema<ProductKeyRow>({
  name: 'ProductKey',
  tableName: 'product_key',
  columns: {
    id: { type: 'uuid', primary: true },
    partnerId: { type: 'uuid', name: 'partner_id' },
    offerId: { type: 'uuid', name: 'offer_id' },
    keyHash: { type: 'text', name: 'key_hash' },
    lastFive: { type: 'text', name: 'last_five' },
    seats: { type: 'int' },
    termMonths: { type: 'int', name: 'term_months' },
    state: { type: 'text' },
    orderId: { type: 'uuid', name: 'order_id' },
    orderedBy: { type: 'uuid', name: 'ordered_by', nullable: true },
    orderedAt: { type: 'timestamptz', name: 'ordered_at' },
    redemptionId: { type: 'uuid', name: 'redemption_id', nullable: true },
    usedFor: { type: 'text', name: 'used_for', nullable: true },
    redeemedAt: { type: 'timestamptz', name: 'redeemed_at', nullable: true },
    customerId: { type: 'uuid', name: 'customer_id', nullable: true },
    subscriptionId: { type: 'uuid', name: 'subscription_id', nullable: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});

export const Redemption = new EntitySchema<RedemptionRow>({
  name: 'Redemption',
  tableName: 'product_key_redemption',
  columns: {
    id: { type: 'uuid', primary: true },
    partnerId: { type: 'uuid', name: 'partner_id' },
    usedFor: { type: 'text', name: 'used_for' },
    status: { type: 'text' },
    idempotencyKey: { type: 'text', name: 'idempotency_key' },
    requestHash: { type: 'text', name: 'request_hash' },
    offerId: { type: 'uuid', name: 'offer_id' },
    keyIds: { type: 'uuid', name: 'key_ids', array: true },
    seats: { type: 'int' },
    termMonths: { type: 'int', name: 'term_months' },
    customer: { type: 'jsonb', nullable: true },
    requestedBy: { type: 'jsonb', name: 'requested_by' },
    customerId: { type: 'uuid', name: 'customer_id', nullable: true },
    subscriptionId: { type: 'uuid', name: 'subscription_id', nullable: true },
    adminUserName: { type: 'text', name: 'admin_user_name', nullable: true },
    endDate: { type: 'timestamptz', name: 'end_date', nullable: true },
    ...storedFailureColumns,
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
    completedAt: { type: 'timestamptz', name: 'completed_at', nullable: true },
  },
});
