import { EntitySchema } from 'typeorm';
import { storedFailureColumns, type StoredFailure } from '@partner-graph/platform';

export const OFFER_CATEGORIES = ['MICROSOFT_365_BUSINESS', 'OFFICE_365_ENTERPRISE', 'EXCHANGE_ONLINE'] as const;
export type OfferCategory = (typeof OFFER_CATEGORIES)[number];
export type BillingCycle = 'MONTHLY' | 'ANNUAL';
export type OfferTerm = 'P1M' | 'P1Y';
export type InvitationStatus = 'ACTIVE' | 'REVOKED';

export interface OfferRow {
  id: string;
  name: string;
  sku: string;
  category: OfferCategory;
  /** In English, the catalogue's language. */
  description: string;
  /** The description in other languages, by language (`fr`); a language absent here reads the English one. */
  translatedDescriptions: Record<string, string>;
  minQuantity: number;
  maxQuantity: number;
  billingCycle: BillingCycle;
  term: OfferTerm;
  isTrial: boolean;
  trialDays: number | null;
  isAddOn: boolean;
  prerequisiteOfferIds: string[];
  /** The higher offers of its family a subscription may move to mid-term, lowest first. */
  upgradeTargetIds: string[];
  /** A trial's paid offer (trial conversion); null for a paid offer. */
  convertsToId: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  countries: string[];
  /** numeric(12,2): pg returns it as a string so no cent is lost. */
  unitPrice: string;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A partner may sell one offer, or every offer of a category. */
export interface OfferAuthorisationRow {
  id: string;
  partnerId: string;
  offerId: string | null;
  category: OfferCategory | null;
  createdAt: Date;
}

export interface TrialInvitationRow {
  id: string;
  partnerId: string;
  offerId: string;
  includeDelegatedAdmin: boolean;
  /** The partner's advisor code when the invitation was made (it is part of the URL). */
  advisorCode: string;
  /** The unguessable URL code; kept so the partner can copy the URL again. */
  code: string;
  status: InvitationStatus;
  acceptanceCount: number;
  /** The partner's cap on its acceptances; null: none. */
  maxAcceptances: number | null;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface PurchaseOfferRow {
  id: string;
  partnerId: string;
  includeDelegatedAdmin: boolean;
  advisorCode: string;
  code: string;
  status: InvitationStatus;
  acceptanceCount: number;
  /** The partner's cap on its acceptances; null: none. */
  maxAcceptances: number | null;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface PurchaseOfferLineRow {
  purchaseOfferId: string;
  position: number;
  offerId: string;
  quantity: number;
}

export const Offer = new EntitySchema<OfferRow>({
  name: 'Offer',
  tableName: 'offer',
  columns: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    sku: { type: 'text' },
    category: { type: 'text' },
    description: { type: 'text' },
    translatedDescriptions: { type: 'jsonb', name: 'translated_descriptions' },
    minQuantity: { type: 'int', name: 'min_quantity' },
    maxQuantity: { type: 'int', name: 'max_quantity' },
    billingCycle: { type: 'text', name: 'billing_cycle' },
    term: { type: 'text' },
    isTrial: { type: 'boolean', name: 'is_trial' },
    trialDays: { type: 'int', name: 'trial_days', nullable: true },
    isAddOn: { type: 'boolean', name: 'is_add_on' },
    prerequisiteOfferIds: { type: 'uuid', array: true, name: 'prerequisite_offer_ids' },
    upgradeTargetIds: { type: 'uuid', array: true, name: 'upgrade_target_ids' },
    convertsToId: { type: 'uuid', name: 'converts_to_id', nullable: true },
    countries: { type: 'text', array: true },
    unitPrice: { type: 'numeric', precision: 12, scale: 2, name: 'unit_price' },
    currency: { type: 'char', length: 3 },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});

export const OfferAuthorisation = new EntitySchema<OfferAuthorisationRow>({
  name: 'OfferAuthorisation',
  tableName: 'offer_authorisation',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    partnerId: { type: 'uuid', name: 'partner_id' },
    offerId: { type: 'uuid', name: 'offer_id', nullable: true },
    category: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

const invitationColumns = {
  id: { type: 'uuid', primary: true },
  partnerId: { type: 'uuid', name: 'partner_id' },
  includeDelegatedAdmin: { type: 'boolean', name: 'include_delegated_admin' },
  advisorCode: { type: 'text', name: 'advisor_code' },
  code: { type: 'text' },
  status: { type: 'text' },
  acceptanceCount: { type: 'int', name: 'acceptance_count' },
  maxAcceptances: { type: 'int', name: 'max_acceptances', nullable: true },
  createdBy: { type: 'uuid', name: 'created_by' },
  createdAt: { type: 'timestamptz', name: 'created_at' },
  revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
} as const;

export const TrialInvitation = new EntitySchema<TrialInvitationRow>({
  name: 'TrialInvitation',
  tableName: 'trial_invitation',
  columns: { ...invitationColumns, offerId: { type: 'uuid', name: 'offer_id' } },
});

export const PurchaseOffer = new EntitySchema<PurchaseOfferRow>({
  name: 'PurchaseOffer',
  tableName: 'purchase_offer',
  columns: invitationColumns,
});

export const PurchaseOfferLine = new EntitySchema<PurchaseOfferLineRow>({
  name: 'PurchaseOfferLine',
  tableName: 'purchase_offer_line',
  columns: {
    purchaseOfferId: { type: 'uuid', primary: true, name: 'purchase_offer_id' },
    position: { type: 'int', primary: true },
    offerId: { type: 'uuid', name: 'offer_id' },
    quantity: { type: 'int' },
  },
});

export type AcceptanceStatus = 'PENDING' | 'COMPLETED' | 'FAILED';

/** What the customer subgraph's `createCustomerAccount` is sent: stored so a resume sends exactly the same request. */
export interface AccountRequest {
  partnerId: string;
  relationship: 'ADVISOR';
  companyName: string;
  domainPrefix?: string;
  country: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone?: string;
  includeDelegatedAdmin: boolean;
  subscriptions: { offerId: string; quantity: number; channel: 'ADVISOR'; isTrial: boolean }[];
}

/**
 * One customer's acceptance of a trial invitation or a purchase offer. It is written PENDING
 * with its flow, before the customer subgraph is called (idempotency key `acceptance:<id>`), so
 * a crash in between leaves a flow that resumes, never a second account; COMPLETED once the
 * account exists, FAILED when the customer subgraph refused it for good (nothing was created):
 * its stored failure is that refusal, its field under `customer.`.
 */
export interface OfferAcceptanceRow extends StoredFailure {
  id: string;
  partnerId: string;
  trialInvitationId: string | null;
  purchaseOfferId: string | null;
  /** The caller's key, unique per invitation / purchase offer. */
  idempotencyKey: string | null;
  requestHash: string;
  accountRequest: AccountRequest;
  status: AcceptanceStatus;
  customerId: string | null;
  adminUserId: string | null;
  adminUserName: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export const OfferAcceptance = new EntitySchema<OfferAcceptanceRow>({
  name: 'OfferAcceptance',
  tableName: 'offer_acceptance',
  columns: {
    id: { type: 'uuid', primary: true },
    partnerId: { type: 'uuid', name: 'partner_id' },
    trialInvitationId: { type: 'uuid', name: 'trial_invitation_id', nullable: true },
    purchaseOfferId: { type: 'uuid', name: 'purchase_offer_id', nullable: true },
    idempotencyKey: { type: 'text', name: 'idempotency_key', nullable: true },
    requestHash: { type: 'text', name: 'request_hash' },
    accountRequest: { type: 'jsonb', name: 'account_request' },
    status: { type: 'text' },
    customerId: { type: 'uuid', name: 'customer_id', nullable: true },
    adminUserId: { type: 'uuid', name: 'admin_user_id', nullable: true },
    adminUserName: { type: 'text', name: 'admin_user_name', nullable: true },
    ...storedFailureColumns,
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
    completedAt: { type: 'timestamptz', name: 'completed_at', nullable: true },
  },
});
