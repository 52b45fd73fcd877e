import { describe, expect, it } from 'vitest';
import { refusals } from '../../../test/refusals.js';
import type { OfferRow } from '../src/db/index.js';
import { availabilityOf, checkLineCount, checkPurchaseOfferLines, checkTrialOffer, invitationCode, normaliseCountry, previewLines, revoked } from '../src/domain/rules.js';

const offer = (id: string, changes: Partial<OfferRow> = {}): OfferRow => ({
  id,
  name: `Offer ${id}`,
  sku: id,
  category: 'MICROSOFT_365_BUSINESS',
  description: '',
  minQuantity: 1,
  maxQuantity: 300,
  billingCycle: 'MONTHLY',
  term: 'P1Y',
  isTrial: false,
  trialDays: null,
  isAddOn: false,
  prerequisiteOfferIds: [],
  countries: ['FR', 'DE'],
  unitPrice: '12.50',
  currency: 'EUR',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...changes,
});
const byId = (...offers: OfferRow[]) => new Map(offers.map((row) => [row.id, row]));

describe('countries and availability', () => {
  it('reads a country code in any case, and refuses anything else', () => {
    expect(normaliseCountry(' fr ')).toBe('FR');
    expect(normaliseCountry(null)).toBeNull();
    expect(refusals(() => normaliseCountry('France'))).toEqual([{ code: 'VALIDATION_FAILED', field: 'country' }]);
  });

  it('answers per offer, in order: available only where it is sold (anywhere without a country)', () => {
    const sold = [offer('a'), offer('b', { countries: ['US'] })];
    expect(availabilityOf(['b', 'x', 'a'], sold, 'FR').map((entry) => [entry.offerId, entry.available])).toEqual([['b', false], ['x', false], ['a', true]]);
    expect(availabilityOf(['b'], sold, null)[0]).toMatchObject({ available: true, minQuantity: 1, maxQuantity: 300, term: 'P1Y', billingCycle: 'MONTHLY' });
  });
});

describe('trial invitations', () => {
  it('need a trial offer the partner may sell', () => {
    expect(checkTrialOffer(offer('t', { isTrial: true })).id).toBe('t');
    expect(refusals(() => checkTrialOffer(offer('a')))).toEqual([{ code: 'NOT_A_TRIAL_OFFER', field: 'offerId' }]);
    expect(refusals(() => checkTrialOffer(undefined))).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
  });
});

describe('purchase offer lines', () => {
  it('are 1 to 20', () => {
    expect(refusals(() => checkLineCount([]))).toEqual([{ code: 'VALIDATION_FAILED', field: 'lines' }]);
    expect(refusals(() => checkLineCount(Array.from({ length: 21 }, () => ({}))))).toEqual([{ code: 'VALIDATION_FAILED', field: 'lines' }]);
    expect(refusals(() => checkLineCount(Array.from({ length: 20 }, () => ({}))))).toEqual([]);
  });

  it('keep each quantity within the offer\'s min/max', () => {
    const offers = byId(offer('a', { minQuantity: 1, maxQuantity: 300 }), offer('big', { maxQuantity: 10_000 }));
    for (const quantity of [0, 301, 1.5]) {
      expect(refusals(() => checkPurchaseOfferLines([{ offerId: 'a', quantity }], offers))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'lines[0].quantity' }]);
    }
    expect(refusals(() => checkPurchaseOfferLines([{ offerId: 'a', quantity: 300 }, { offerId: 'big', quantity: 10_000 }], offers))).toEqual([]);
  });

  it('report every problem at once: not sold, a trial, twice, an add-on without its prerequisite', () => {
    const offers = byId(offer('archiving', { isAddOn: true, prerequisiteOfferIds: ['plan1'] }), offer('trial', { isTrial: true, minQuantity: 25, maxQuantity: 25 }), offer('e1'));
    const lines = [
      { offerId: 'unknown', quantity: 1 },
      { offerId: 'archiving', quantity: 1 },
      { offerId: 'trial', quantity: 25 },
      { offerId: 'e1', quantity: 1 },
      { offerId: 'e1', quantity: 2 },
    ];
    expect(refusals(() => checkPurchaseOfferLines(lines, offers))).toEqual([
      { code: 'OFFER_NOT_AVAILABLE', field: 'lines[0].offerId' },
      { code: 'VALIDATION_FAILED', field: 'lines[2].offerId' },
      { code: 'VALIDATION_FAILED', field: 'lines[4].offerId' },
      { code: 'PREREQUISITE_MISSING', field: 'lines[1].offerId' },
    ]);
    // The prerequisite in the same offer, in any position, is enough.
    const withPlan = byId(...offers.values(), offer('plan1'));
    expect(refusals(() => checkPurchaseOfferLines([{ offerId: 'archiving', quantity: 1 }, { offerId: 'plan1', quantity: 1 }], withPlan))).toEqual([]);
  });
});

describe('what a link shows', () => {
  it('each line the partner may still sell, a trial free and fixed at 25 seats', () => {
    const lines = previewLines([{ offerId: 'a', quantity: 3 }, { offerId: 'gone', quantity: 1 }, { offerId: 't', quantity: 25 }], byId(offer('a'), offer('t', { isTrial: true, trialDays: 30, minQuantity: 1, maxQuantity: 300 })));
    expect(lines).toEqual([
      expect.objectContaining({ offerId: 'a', quantity: 3, minQuantity: 1, maxQuantity: 300, unitPrice: 12.5, isTrial: false }),
      expect.objectContaining({ offerId: 't', quantity: 25, minQuantity: 25, maxQuantity: 25, unitPrice: 0, isTrial: true, trialDays: 30 }),
    ]);
  });

  it('looks up only what can be a code', () => {
    const code = 'x'.repeat(43);
    expect(invitationCode(` ${code} `)).toBe(code);
    expect(invitationCode('short')).toBeNull();
    expect(invitationCode('x'.repeat(129))).toBeNull();
  });

  it('revokes an invitation once', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const invitation = { id: 'i', partnerId: 'p', offerId: 't', includeDelegatedAdmin: false, advisorCode: 'A', code: 'c', status: 'ACTIVE' as const, acceptanceCount: 0, createdBy: 'u', createdAt: new Date(0), revokedAt: null };
    const after = revoked(invitation, now);
    expect(after).toMatchObject({ status: 'REVOKED', revokedAt: now });
    expect(refusals(() => revoked(after, now))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
  });
});
