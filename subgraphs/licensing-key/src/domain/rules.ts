import {
  DomainError,
  isUuid,
  Problems,
  type CreateCustomerAccountMutationVariables,
  type OfferAvailability,
} from '@partner-graph/platform';
import type { ProductKeyRow, RedemptionCustomer } from '../db/index.js';
import { hashProductKey, lastFiveOf, maskProductKey, type NormalisedKey } from './key-format.js';

export const MAX_KEYS_PER_ORDER = 100;
/** Product-key cards are annual (Microsoft Open); a partner may order other terms. */
export const DEFAULT_TERM_MONTHS = 12;
export const MAX_TERM_MONTHS = 36;

/** A key is taken once it is redeemed, or while a redemption or renewal holds it. */
export const isTaken = (key: ProductKeyRow): boolean => key.state === 'REDEEMED' || key.redemptionId !== null;

/** What an order asks, checked before the offer subgraph is asked: every mistake at once. Returns the term. */
export function readOrder(input: { offerId: string; count: number; termMonths?: number | null }): { termMonths: number } {
  const problems = new Problems();
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_KEYS_PER_ORDER) {
    problems.add('VALIDATION_FAILED', `Order between 1 and ${MAX_KEYS_PER_ORDER} keys`, 'count');
  }
  const termMonths = input.termMonths ?? DEFAULT_TERM_MONTHS;
  if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > MAX_TERM_MONTHS) {
    problems.add('VALIDATION_FAILED', `A key gives 1 to ${MAX_TERM_MONTHS} months of term`, 'termMonths');
  }
  if (!isUuid(input.offerId)) problems.add('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
  problems.throwIfAny();
  return { termMonths };
}

/** The seats each ordered key gives: the offer's minimum unless asked, within its range; no key for a trial or an offer not sold to the partner. */
export function seatsPerKey(offer: OfferAvailability | null, requested: number | null | undefined): number {
  if (!offer?.available) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
  if (offer.isTrial) throw new DomainError('OFFER_NOT_AVAILABLE', 'Trial offers are not sold as product keys', 'offerId');
  const min = offer.minQuantity ?? 1;
  const max = offer.maxQuantity ?? Number.MAX_SAFE_INTEGER;
  const seats = requested ?? min;
  if (!Number.isInteger(seats) || seats < min || seats > max) {
    throw new DomainError(
      'QUANTITY_OUT_OF_RANGE',
      `Seats per key must be between ${min} and ${max} for ${offer.name ?? 'this offer'}`,
      'seatsPerKey',
    );
  }
  return seats;
}

/** Only an AVAILABLE key that no redemption holds can be revoked. */
export function checkRevocable(key: ProductKeyRow): void {
  if (key.state !== 'AVAILABLE' || key.redemptionId !== null) {
    throw new DomainError(
      'INVALID_STATUS_TRANSITION',
      `Only an unused key can be revoked (this one is ${isTaken(key) ? 'redeemed' : key.state.toLowerCase()})`,
      'id',
    );
  }
}

export type ProductKeyValidationStatus = 'VALID' | 'UNKNOWN' | 'ALREADY_REDEEMED' | 'REVOKED' | 'MALFORMED';

export interface ProductKeyValidationView {
  input: string;
  maskedKey: string | null;
  status: ProductKeyValidationStatus;
  message: string | null;
  productKey: ProductKeyRow | null;
  offer: { id: string } | null;
  seats: number | null;
  termMonths: number | null;
}

/**
 * The review step's answer for one entered key, given how it reads and the viewer partner's
 * keys by hash. Another partner's key reads exactly like a key that does not exist.
 */
export function reviewKey(input: string, read: NormalisedKey, ownKeys: ReadonlyMap<string, ProductKeyRow>): ProductKeyValidationView {
  const nothing = { productKey: null, offer: null, seats: null, termMonths: null };
  if (!read.ok) return { input, maskedKey: null, status: 'MALFORMED', message: read.message, ...nothing };
  const maskedKey = maskProductKey(lastFiveOf(read.key));
  const key = ownKeys.get(hashProductKey(read.key));
  if (!key) return { input, maskedKey, status: 'UNKNOWN', message: 'This key is not one of your organisation’s product keys', ...nothing };
  const details = { input, maskedKey, productKey: key, offer: { id: key.offerId }, seats: key.seats, termMonths: key.termMonths };
  if (key.state === 'REVOKED') return { ...details, status: 'REVOKED', message: 'This key was revoked' };
  if (isTaken(key)) return { ...details, status: 'ALREADY_REDEEMED', message: 'This key was already redeemed' };
  return { ...details, status: 'VALID', message: null };
}

/** The account a redemption makes: a new ADVISOR customer (the partner is partner of record) with one PRODUCT_KEY subscription of the keys' seats. */
export function redemptionAccount(redemption: {
  partnerId: string;
  customer: RedemptionCustomer;
  offerId: string;
  seats: number;
  termMonths: number;
  adminPasswordHash: string | null;
}): CreateCustomerAccountMutationVariables['input'] {
  const c = redemption.customer;
  return {
    partnerId: redemption.partnerId,
    relationship: 'ADVISOR',
    companyName: c.companyName,
    domainPrefix: c.domainPrefix,
    country: c.country,
    addressLine1: c.addressLine1,
    city: c.city,
    postalCode: c.postalCode,
    contactFirstName: c.adminFirstName,
    contactLastName: c.adminLastName,
    contactEmail: c.adminEmail,
    contactPhone: c.adminPhone,
    includeDelegatedAdmin: false,
    adminPasswordHash: redemption.adminPasswordHash,
    subscriptions: [
      {
        offerId: redemption.offerId,
        quantity: redemption.seats,
        channel: 'PRODUCT_KEY',
        termMonths: redemption.termMonths,
        isTrial: false,
      },
    ],
  };
}
