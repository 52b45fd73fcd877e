import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PayloadError } from './errors.js';
import type { ServiceClient } from './service-client.js';

/**
 * The internal fields subgraphs call on one another (`@inaccessible` in their schemas): the
 * shapes of their answers and the documents that ask for them, in one place.
 */

/** offer.offerAvailability: may a partner sell an offer (in a country), within which quantities. */
export interface OfferAvailability {
  offerId: string;
  /** false when unknown, not authorised for the partner, or not sold in the country */
  available: boolean;
  name: string | null;
  minQuantity: number | null;
  maxQuantity: number | null;
  isTrial: boolean | null;
  isAddOn: boolean | null;
  prerequisiteOfferIds: string[];
  /** P1M or P1Y */
  term: string | null;
  billingCycle: string | null;
}

export const unavailableOffer = (offerId: string): OfferAvailability => ({
  offerId,
  available: false,
  name: null,
  minQuantity: null,
  maxQuantity: null,
  isTrial: null,
  isAddOn: null,
  prerequisiteOfferIds: [],
  term: null,
  billingCycle: null,
});

const OFFER_AVAILABILITY_FIELDS = 'offerId available name minQuantity maxQuantity isTrial isAddOn prerequisiteOfferIds term billingCycle';

/** `country: null` asks whether the partner may sell the offer in any country. */
export const OFFER_AVAILABILITY_QUERY = `query OfferAvailability($partnerId: ID!, $country: String, $offerIds: [ID!]!) {
  offerAvailability(partnerId: $partnerId, country: $country, offerIds: $offerIds) { ${OFFER_AVAILABILITY_FIELDS} }
}`;

/** customer.customerAccess: how a partner relates to customers (unrelated ones are omitted). */
export interface CustomerAccessInfo {
  customerId: string;
  country: string;
  provisioningState: 'PROVISIONING' | 'ACTIVE' | 'FAILED';
  relationship: 'RESELLER' | 'ADVISOR' | 'DELEGATED_ADMIN';
  /** a RESELLER relationship or an ACTIVE delegated-admin relationship */
  hasAdminRights: boolean;
  /** how far those rights go: FULL for a reseller or a FULL relationship, LIMITED, null without rights */
  adminAccess: 'FULL' | 'LIMITED' | null;
}

/**
 * customer → subscription through the router's query plan (`Customer.accessGrant`, required by
 * `Customer.subscriptions`): the customer subgraph's answer for the viewer's partner, signed with
 * the services' shared secret and valid 60 s, so that no caller can make one up or reuse one for
 * another partner or customer, whatever proves the request came from a router.
 */
const ACCESS_GRANT_TTL_MS = 60_000;
export function signCustomerAccess(info: CustomerAccessInfo, partnerId: string, secret: string, now: Date): string {
  const payload = Buffer.from(JSON.stringify({ p: partnerId, e: now.getTime() + ACCESS_GRANT_TTL_MS, a: info })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

/** The access a grant carries, if it is genuine, unexpired and for this partner and customer; null otherwise. */
export function verifyCustomerAccess(grant: unknown, expected: { partnerId: string; customerId: string }, secret: string, now: Date): CustomerAccessInfo | null {
  if (typeof grant !== 'string') return null;
  const [payload, mac] = grant.split('.');
  if (!payload || !mac) return null;
  const expectedMac = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expectedMac.length || !timingSafeEqual(given, expectedMac)) return null;
  const { p, e, a } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p: string; e: number; a: CustomerAccessInfo };
  return p === expected.partnerId && a.customerId === expected.customerId && e > now.getTime() ? a : null;
}

export const CUSTOMER_ACCESS_QUERY = `query CustomerAccess($partnerId: ID!, $customerIds: [ID!]!) {
  customerAccess(partnerId: $partnerId, customerIds: $customerIds) { customerId country provisioningState relationship hasAdminRights adminAccess }
}`;

/** customer.customerUsersById */
export interface CustomerUserInfo {
  id: string;
  customerId: string;
  isAdmin: boolean;
  deleted: boolean;
}

export const CUSTOMER_USERS_BY_ID_QUERY = `query CustomerUsersById($customerId: ID!, $userIds: [ID!]!) {
  customerUsersById(customerId: $customerId, userIds: $userIds) { id customerId isAdmin deleted }
}`;

/** customer.createCustomerAccount: a new account for another subgraph's flow (idempotent). */
export interface CustomerAccountResult {
  customerId: string | null;
  adminUserId: string | null;
  adminUserName: string | null;
  temporaryPassword: string | null;
  /** with includeDelegatedAdmin: the customer's own link to end that relationship (shown once, like the password) */
  delegatedAdminTerminationUrl: string | null;
  errors: PayloadError[];
}

export const CREATE_CUSTOMER_ACCOUNT_MUTATION = `mutation CreateCustomerAccount($input: CustomerAccountInput!, $idempotencyKey: String!) {
  createCustomerAccount(input: $input, idempotencyKey: $idempotencyKey) {
    customerId adminUserId adminUserName temporaryPassword delegatedAdminTerminationUrl errors { code message field }
  }
}`;

/** partner.partnerContact: the name and contact a prospective customer is shown for a partner. */
export interface PartnerContact {
  companyName: string;
  email: string;
  phone: string;
  website: string | null;
}

export const PARTNER_CONTACT_QUERY = `query PartnerContact($partnerId: ID!) {
  partnerContact(partnerId: $partnerId) { companyName email phone website }
}`;

/** A partner's contact, asked as the system: the customer-facing pages that show it have no partner viewer. */
export async function partnerContactOf(client: ServiceClient, partnerId: string, requestId: string): Promise<PartnerContact | null> {
  const data = await client.query<{ partnerContact: PartnerContact | null }>('partner', PARTNER_CONTACT_QUERY, { partnerId }, { viewer: { kind: 'system' }, requestId });
  return data.partnerContact;
}
