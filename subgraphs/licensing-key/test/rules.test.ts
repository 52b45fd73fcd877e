import { describe, expect, it } from 'vitest';
import { unavailableOffer, type OfferAvailability } from '@partner-graph/platform';
import { refusals } from '../../../test/refusals.js';
import type { ProductKeyRow } from '../src/db/index.js';
import { formatProductKey, generateProductKey, hashProductKey, normaliseProductKey } from '../src/domain/key-format.js';
import { checkRevocable, readOrder, redemptionAccount, reviewKey, seatsPerKey } from '../src/domain/rules.js';

const OFFER_ID = '6f1a0c3e-0000-4000-8000-0000000000a1';
const offer = (changes: Partial<OfferAvailability> = {}): OfferAvailability => ({
  ...unavailableOffer(OFFER_ID),
  available: true,
  name: 'Microsoft 365 Business Standard',
  minQuantity: 1,
  maxQuantity: 300,
  isTrial: false,
  ...changes,
});
const key = (bare: string, changes: Partial<ProductKeyRow> = {}): ProductKeyRow => ({
  id: 'k',
  partnerId: 'p',
  offerId: OFFER_ID,
  keyHash: hashProductKey(bare),
  lastFive: bare.slice(-5),
  seats: 5,
  termMonths: 12,
  state: 'AVAILABLE',
  orderId: 'o',
  orderedBy: null,
  orderedAt: new Date(0),
  redemptionId: null,
  usedFor: null,
  redeemedAt: null,
  customerId: null,
  subscriptionId: null,
  updatedAt: new Date(0),
  ...changes,
});

describe('ordering product keys', () => {
  it('takes 1 to 100 keys of 1 to 36 months (12 by default), naming every mistake at once', () => {
    expect(readOrder({ offerId: OFFER_ID, count: 100 })).toEqual({ termMonths: 12 });
    expect(readOrder({ offerId: OFFER_ID, count: 1, termMonths: 36 })).toEqual({ termMonths: 36 });
    expect(refusals(() => readOrder({ offerId: 'nope', count: 0, termMonths: 37 }))).toEqual([
      { code: 'VALIDATION_FAILED', field: 'count' },
      { code: 'VALIDATION_FAILED', field: 'termMonths' },
      { code: 'OFFER_NOT_AVAILABLE', field: 'offerId' },
    ]);
    expect(refusals(() => readOrder({ offerId: OFFER_ID, count: 101, termMonths: 0 }))).toHaveLength(2);
  });

  it("gives each key the offer's minimum seats unless asked, within its range; never a trial nor an offer not sold", () => {
    expect(seatsPerKey(offer({ minQuantity: 5 }), null)).toBe(5);
    expect(seatsPerKey(offer(), 300)).toBe(300);
    expect(refusals(() => seatsPerKey(offer(), 301))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'seatsPerKey' }]);
    expect(refusals(() => seatsPerKey(offer({ minQuantity: 5 }), 4))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'seatsPerKey' }]);
    expect(refusals(() => seatsPerKey(offer({ isTrial: true }), 1))).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    expect(refusals(() => seatsPerKey(unavailableOffer(OFFER_ID), 1))).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    expect(refusals(() => seatsPerKey(null, 1))).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
  });
});

describe('the account a redemption makes', () => {
  it("is an ADVISOR customer, without delegated administration, whose one PRODUCT_KEY subscription has the keys' seats and term", () => {
    const customer = {
      companyName: 'Lumière',
      country: 'FR',
      domainPrefix: null,
      adminFirstName: 'Ada',
      adminLastName: 'Roy',
      adminEmail: 'ada@lumiere.example',
      adminPhone: null,
      addressLine1: null,
      city: null,
      postalCode: null,
    };
    expect(
      redemptionAccount({ partnerId: 'p', customer, offerId: OFFER_ID, seats: 15, termMonths: 24, adminPasswordHash: 'hash' }),
    ).toEqual({
      partnerId: 'p',
      relationship: 'ADVISOR',
      companyName: 'Lumière',
      domainPrefix: null,
      country: 'FR',
      addressLine1: null,
      city: null,
      postalCode: null,
      contactFirstName: 'Ada',
      contactLastName: 'Roy',
      contactEmail: 'ada@lumiere.example',
      contactPhone: null,
      includeDelegatedAdmin: false,
      adminPasswordHash: 'hash',
      subscriptions: [{ offerId: OFFER_ID, quantity: 15, channel: 'PRODUCT_KEY', termMonths: 24, isTrial: false }],
    });
  });
});

describe('revoking a key', () => {
  it('is only for an AVAILABLE key no redemption holds', () => {
    const bare = generateProductKey();
    expect(refusals(() => checkRevocable(key(bare)))).toEqual([]);
    for (const taken of [key(bare, { state: 'REDEEMED' }), key(bare, { redemptionId: 'r' }), key(bare, { state: 'REVOKED' })]) {
      expect(refusals(() => checkRevocable(taken))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    }
  });
});

describe('the review step', () => {
  const review = (input: string, own: ProductKeyRow[]) =>
    reviewKey(input, normaliseProductKey(input), new Map(own.map((row) => [row.keyHash, row])));

  it('reads a key of the partner in any case and spacing, masked, with its offer, seats and term', () => {
    const bare = generateProductKey();
    const spaced = formatProductKey(bare).toLowerCase().replace(/-/g, ' ');
    expect(review(spaced, [key(bare)])).toMatchObject({
      input: spaced,
      status: 'VALID',
      message: null,
      maskedKey: `XXXXX-XXXXX-XXXXX-XXXXX-${bare.slice(-5)}`,
      offer: { id: OFFER_ID },
      seats: 5,
      termMonths: 12,
    });
  });

  it("tells malformed, unknown (another partner's too), revoked and already redeemed keys apart", () => {
    const bare = generateProductKey();
    expect(review(`${formatProductKey(bare).slice(0, -1)}0`, [key(bare)])).toMatchObject({
      status: 'MALFORMED',
      maskedKey: null,
      message: expect.stringMatching(/"0"/),
    });
    expect(review(formatProductKey(bare), [])).toMatchObject({
      status: 'UNKNOWN',
      offer: null,
      seats: null,
      termMonths: null,
      productKey: null,
    });
    expect(review(formatProductKey(bare), [key(bare, { state: 'REVOKED' })]).status).toBe('REVOKED');
    expect(review(formatProductKey(bare), [key(bare, { state: 'REDEEMED' })]).status).toBe('ALREADY_REDEEMED');
    expect(review(formatProductKey(bare), [key(bare, { redemptionId: 'r' })]).status).toBe('ALREADY_REDEEMED');
  });
});
