import { describe, expect, it } from 'vitest';
import { refusals } from '../../../test/refusals.js';
import { storedFailure, unavailableOffer, type OfferAvailability } from '@partner-graph/platform';
import type { OfferAcceptanceRow, OfferRow } from '../src/db/index.js';
import {
  acceptable,
  acceptingCustomer,
  availabilityOf,
  checkChosenQuantities,
  checkIdempotencyKey,
  checkLineCount,
  checkMaxAcceptances,
  checkPurchaseOfferLines,
  checkTrialOffer,
  chosenLines,
  completedAcceptance,
  describedIn,
  failedAcceptance,
  invitationCode,
  linkState,
  newAcceptance,
  normaliseCountry,
  previewLines,
  revoked,
  sameAcceptanceRequest,
  soldIn,
} from '../src/domain/rules.js';

const offer = (id: string, changes: Partial<OfferRow> = {}): OfferRow => ({
  id,
  name: `Offer ${id}`,
  sku: id,
  category: 'MICROSOFT_365_BUSINESS',
  description: '',
  translatedDescriptions: {},
  minQuantity: 1,
  maxQuantity: 300,
  billingCycle: 'MONTHLY',
  term: 'P1Y',
  isTrial: false,
  trialDays: null,
  isAddOn: false,
  prerequisiteOfferIds: [],
  upgradeTargetIds: [],
  convertsToId: null,
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
    expect(availabilityOf(['b', 'x', 'a'], sold, 'FR').map((entry) => [entry.offerId, entry.available])).toEqual([
      ['b', false],
      ['x', false],
      ['a', true],
    ]);
    expect(availabilityOf(['b'], sold, null)[0]).toMatchObject({
      available: true,
      minQuantity: 1,
      maxQuantity: 300,
      term: 'P1Y',
      billingCycle: 'MONTHLY',
    });
  });
});

describe('an offer’s description in the customer’s language', () => {
  const basic = offer('basic', {
    description: 'Web and mobile Office apps.',
    translatedDescriptions: { fr: 'Applications Office web et mobiles.' },
  });

  it('is in the language asked for when the catalogue has it, whatever the region or case (`fr-BE`, `FR`)', () => {
    expect(describedIn(basic, 'fr')).toBe('Applications Office web et mobiles.');
    expect(describedIn(basic, 'fr-BE')).toBe('Applications Office web et mobiles.');
    expect(describedIn(basic, 'FR')).toBe('Applications Office web et mobiles.');
  });

  it('is in English otherwise: no language, English, or one the catalogue lacks', () => {
    expect(describedIn(basic, null)).toBe('Web and mobile Office apps.');
    expect(describedIn(basic, 'en')).toBe('Web and mobile Office apps.');
    expect(describedIn(basic, 'it')).toBe('Web and mobile Office apps.');
    expect(describedIn(offer('plain', { description: 'Plain.' }), 'fr')).toBe('Plain.');
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

  it("keep each quantity within the offer's min/max", () => {
    const offers = byId(offer('a', { minQuantity: 1, maxQuantity: 300 }), offer('big', { maxQuantity: 10_000 }));
    for (const quantity of [0, 301, 1.5]) {
      expect(refusals(() => checkPurchaseOfferLines([{ offerId: 'a', quantity }], offers))).toEqual([
        { code: 'QUANTITY_OUT_OF_RANGE', field: 'lines[0].quantity' },
      ]);
    }
    expect(
      refusals(() =>
        checkPurchaseOfferLines(
          [
            { offerId: 'a', quantity: 300 },
            { offerId: 'big', quantity: 10_000 },
          ],
          offers,
        ),
      ),
    ).toEqual([]);
  });

  it('report every problem at once: not sold, a trial, twice, an add-on without its prerequisite', () => {
    const offers = byId(
      offer('archiving', { isAddOn: true, prerequisiteOfferIds: ['plan1'] }),
      offer('trial', { isTrial: true, minQuantity: 25, maxQuantity: 25 }),
      offer('e1'),
    );
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
    expect(
      refusals(() =>
        checkPurchaseOfferLines(
          [
            { offerId: 'archiving', quantity: 1 },
            { offerId: 'plan1', quantity: 1 },
          ],
          withPlan,
        ),
      ),
    ).toEqual([]);
  });
});

describe('what a link shows', () => {
  it('each line the partner may still sell, a trial free and fixed at 25 seats', () => {
    const lines = previewLines(
      [
        { offerId: 'a', quantity: 3 },
        { offerId: 'gone', quantity: 1 },
        { offerId: 't', quantity: 25 },
      ],
      byId(offer('a'), offer('t', { isTrial: true, trialDays: 30, minQuantity: 1, maxQuantity: 300 })),
    );
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
    const invitation = {
      id: 'i',
      partnerId: 'p',
      offerId: 't',
      includeDelegatedAdmin: false,
      advisorCode: 'A',
      code: 'c',
      status: 'ACTIVE' as const,
      acceptanceCount: 0,
      maxAcceptances: null,
      createdBy: 'u',
      createdAt: new Date(0),
      revokedAt: null,
    };
    const after = revoked(invitation, now);
    expect(after).toMatchObject({ status: 'REVOKED', revokedAt: now });
    expect(refusals(() => revoked(after, now))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
  });
});

describe('accepting a link', () => {
  const customer = {
    companyName: ' Lumière Studio ',
    country: 'fr',
    addressLine1: '1 place Bellecour',
    city: 'Lyon',
    postalCode: '69002',
    contactFirstName: 'Claire',
    contactLastName: 'Martin',
    contactEmail: 'Claire@Lumiere.example',
  };
  const sold = (offerId: string, changes: Partial<OfferAvailability> = {}): OfferAvailability => ({
    ...availabilityOf([offerId], [offer(offerId)], null)[0]!,
    ...changes,
  });
  const invitation = {
    id: 'i',
    partnerId: 'p',
    offerId: 't',
    includeDelegatedAdmin: false,
    advisorCode: 'A',
    code: 'c',
    status: 'ACTIVE' as const,
    acceptanceCount: 0,
    maxAcceptances: null,
    createdBy: 'u',
    createdAt: new Date(0),
    revokedAt: null,
  };
  const now = new Date('2026-03-10T12:00:00Z');
  const pending = (): OfferAcceptanceRow =>
    newAcceptance(
      {
        id: 'a',
        partnerId: 'p',
        trialInvitationId: 'i',
        purchaseOfferId: null,
        idempotencyKey: 'k',
        requestHash: 'h',
        accountRequest: {
          partnerId: 'p',
          relationship: 'ADVISOR',
          companyName: 'Lumière Studio',
          country: 'FR',
          addressLine1: '',
          city: '',
          postalCode: '',
          contactFirstName: 'C',
          contactLastName: 'M',
          contactEmail: 'c@m.example',
          includeDelegatedAdmin: false,
          subscriptions: [],
        },
      },
      new Date(0),
    );

  it('reads the customer trimmed, the email in lower case, leaving out the phone and domain when empty', () => {
    expect(acceptingCustomer({ ...customer, contactPhone: '', domainPrefix: null })).toEqual({
      companyName: 'Lumière Studio',
      country: 'FR',
      addressLine1: '1 place Bellecour',
      city: 'Lyon',
      postalCode: '69002',
      contactFirstName: 'Claire',
      contactLastName: 'Martin',
      contactEmail: 'claire@lumiere.example',
    });
    expect(acceptingCustomer({ ...customer, domainPrefix: 'lumiere' })).toMatchObject({ domainPrefix: 'lumiere' });
  });

  it('lists every mistake in the customer under customer.<field>', () => {
    expect(refusals(() => acceptingCustomer({ ...customer, companyName: ' ', contactEmail: 'nope', addressLine1: '' }))).toEqual([
      { code: 'VALIDATION_FAILED', field: 'customer.companyName' },
      { code: 'VALIDATION_FAILED', field: 'customer.addressLine1' },
      { code: 'VALIDATION_FAILED', field: 'customer.contactEmail' },
    ]);
  });

  it('takes an idempotency key of 1 to 200 characters, or none', () => {
    for (const key of [null, undefined, 'k', 'k'.repeat(200)]) expect(refusals(() => checkIdempotencyKey(key))).toEqual([]);
    for (const key of ['', ' ', 'k'.repeat(201)])
      expect(refusals(() => checkIdempotencyKey(key))).toEqual([{ code: 'VALIDATION_FAILED', field: 'idempotencyKey' }]);
  });

  it('answers a retry with the first acceptance only for the same request', () => {
    expect(sameAcceptanceRequest(pending(), 'h').id).toBe('a');
    expect(refusals(() => sameAcceptanceRequest(pending(), 'other'))).toEqual([
      { code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' },
    ]);
  });

  it('refuses a revoked link', () => {
    expect(acceptable(invitation, 0)).toBe(invitation);
    expect(acceptable(invitation, 1_000_000)).toBe(invitation);
    expect(refusals(() => acceptable({ ...invitation, status: 'REVOKED' }, 0))).toEqual([{ code: 'REVOKED', field: 'code' }]);
  });

  it('refuses a capped link once as many acceptances as its cap hold or are making an account', () => {
    const capped = { ...invitation, maxAcceptances: 2 };
    expect(acceptable(capped, 0)).toBe(capped);
    expect(acceptable(capped, 1)).toBe(capped);
    expect(refusals(() => acceptable(capped, 2))).toEqual([{ code: 'ACCEPTANCE_LIMIT_REACHED', field: 'code' }]);
    expect(refusals(() => acceptable(capped, 3))).toEqual([{ code: 'ACCEPTANCE_LIMIT_REACHED', field: 'code' }]);
    // Revoked says so first: the customer has nothing to wait for.
    expect(refusals(() => acceptable({ ...capped, status: 'REVOKED' }, 2))).toEqual([{ code: 'REVOKED', field: 'code' }]);
    expect([
      linkState(capped, 1),
      linkState(capped, 2),
      linkState({ ...capped, status: 'REVOKED' }, 2),
      linkState(invitation, 1_000_000),
    ]).toEqual(['ACTIVE', 'FULL', 'REVOKED', 'ACTIVE']);
  });

  it('takes a cap of 1 to 100 000 acceptances, or none', () => {
    expect(checkMaxAcceptances(null)).toBeNull();
    expect(checkMaxAcceptances(undefined)).toBeNull();
    expect(checkMaxAcceptances(1)).toBe(1);
    expect(checkMaxAcceptances(100_000)).toBe(100_000);
    for (const wrong of [0, -1, 1.5, 100_001])
      expect(refusals(() => checkMaxAcceptances(wrong))).toEqual([{ code: 'VALIDATION_FAILED', field: 'maxAcceptances' }]);
  });

  it('needs every offer sold by the partner, and sold in the customer’s country', () => {
    expect(soldIn('FR', [sold('a')], [sold('a')])).toEqual([sold('a')]);
    expect(refusals(() => soldIn('FR', [unavailableOffer('a')], [unavailableOffer('a')]))).toEqual([
      { code: 'OFFER_NOT_AVAILABLE', field: 'code' },
    ]);
    expect(refusals(() => soldIn('IT', [sold('a'), sold('b')], [sold('a'), unavailableOffer('b')]))).toEqual([
      { code: 'COUNTRY_NOT_SUPPORTED', field: 'customer.country' },
    ]);
  });

  it('lets the customer change each line’s count once, naming the input a count came from', () => {
    const lines = [
      { purchaseOfferId: 'o', position: 0, offerId: 'a', quantity: 3 },
      { purchaseOfferId: 'o', position: 1, offerId: 'b', quantity: 2 },
    ];
    expect(chosenLines(lines, [{ offerId: 'b', quantity: 9 }])).toEqual([
      { offerId: 'a', quantity: 3, field: 'lines[0].quantity' },
      { offerId: 'b', quantity: 9, field: 'quantities[0].quantity' },
    ]);
    expect(chosenLines(lines, null).map((line) => line.quantity)).toEqual([3, 2]);
    expect(
      refusals(() =>
        chosenLines(lines, [
          { offerId: 'x', quantity: 1 },
          { offerId: 'a', quantity: 1 },
          { offerId: 'a', quantity: 2 },
        ]),
      ),
    ).toEqual([
      { code: 'VALIDATION_FAILED', field: 'quantities[0].offerId' },
      { code: 'VALIDATION_FAILED', field: 'quantities[2].offerId' },
    ]);
  });

  it('keeps each chosen count within its offer’s min/max, every problem at once', () => {
    const offers = [sold('a', { minQuantity: 1, maxQuantity: 300 }), sold('b', { minQuantity: 5, maxQuantity: 10 })];
    const chosen = (a: number, b: number) => [
      { offerId: 'a', quantity: a, field: 'quantities[0].quantity' },
      { offerId: 'b', quantity: b, field: 'lines[1].quantity' },
    ];
    expect(refusals(() => checkChosenQuantities(chosen(300, 5), offers))).toEqual([]);
    expect(refusals(() => checkChosenQuantities(chosen(301, 4), offers))).toEqual([
      { code: 'QUANTITY_OUT_OF_RANGE', field: 'quantities[0].quantity' },
      { code: 'QUANTITY_OUT_OF_RANGE', field: 'lines[1].quantity' },
    ]);
    expect(refusals(() => checkChosenQuantities(chosen(0, 5.5), offers))).toHaveLength(2);
  });

  it('is PENDING, then COMPLETED with its account or FAILED with the reason under the customer’s field, once', () => {
    const acceptance = pending();
    expect(acceptance).toMatchObject({ status: 'PENDING', customerId: null, completedAt: null });
    const completed = completedAcceptance(
      acceptance,
      { customerId: 'c', adminUserId: 'u', adminUserName: 'admin@lumiere.onmicrosoft.com' },
      now,
    );
    expect(completed).toMatchObject({
      status: 'COMPLETED',
      customerId: 'c',
      adminUserId: 'u',
      adminUserName: 'admin@lumiere.onmicrosoft.com',
      completedAt: now,
      updatedAt: now,
    });
    expect(storedFailure(completed)).toBeNull();

    const failed = failedAcceptance(
      acceptance,
      { code: 'DOMAIN_TAKEN', message: 'lumiere.onmicrosoft.com is already taken', field: 'domainPrefix' },
      now,
    );
    expect(failed).toMatchObject({ status: 'FAILED', customerId: null, completedAt: null, updatedAt: now });
    expect(storedFailure(failed)).toEqual({
      code: 'DOMAIN_TAKEN',
      message: 'lumiere.onmicrosoft.com is already taken',
      field: 'customer.domainPrefix',
    });
    expect(
      storedFailure(
        failedAcceptance(acceptance, { code: 'VALIDATION_FAILED', message: 'Not a password hash', field: 'adminPasswordHash' }, now),
      )?.field,
    ).toBe('adminPasswordHash');

    for (const done of [completed, failed]) {
      expect(refusals(() => completedAcceptance(done, { customerId: 'd', adminUserId: null, adminUserName: null }, now))).toEqual([
        { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
      ]);
      expect(refusals(() => failedAcceptance(done, { code: 'DOMAIN_TAKEN', message: '', field: null }, now))).toEqual([
        { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
      ]);
    }
  });
});
