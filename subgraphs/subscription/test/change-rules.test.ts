import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  unavailableOffer,
  type CustomerAccessInfo,
  type OfferAvailability,
  type PartnerViewer,
} from '@partner-graph/platform';
import { refusals } from '../../../test/refusals.js';
import type { SubscriptionRow } from '../src/db/index.js';
import {
  cancel,
  clearScheduled,
  convertTrial,
  refundOf,
  scheduleChange,
  upgrade,
  type UpgradeRequest,
} from '../src/domain/change-rules.js';
import { advanceLifecycle, allowedActions, changedFields, lifecycleEvents, withinCancellationWindow } from '../src/domain/rules.js';

const HOUR = 60 * 60 * 1000;
const START = new Date('2026-03-01T09:00:00Z');
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

const offer = (offerId: string, changes: Partial<OfferAvailability> = {}): OfferAvailability => ({
  offerId,
  available: true,
  name: `Offer ${offerId}`,
  minQuantity: 1,
  maxQuantity: 300,
  isTrial: false,
  isAddOn: false,
  prerequisiteOfferIds: [],
  term: 'P1M',
  billingCycle: 'MONTHLY',
  upgradeTargetIds: [],
  convertsToId: null,
  unitPrice: '10.00',
  currency: 'EUR',
  ...changes,
});
const basic = offer('basic', { name: 'Business Basic', upgradeTargetIds: ['standard', 'premium'] });
const standard = offer('standard', { name: 'Business Standard', upgradeTargetIds: ['premium'] });
const premium = offer('premium', { name: 'Business Premium', maxQuantity: 300 });

const row = (overrides: Partial<SubscriptionRow> = {}): SubscriptionRow => ({
  id: 'sub',
  customerId: 'customer',
  offerId: 'basic',
  partnerId: 'partner',
  channel: 'RESELLER',
  friendlyName: 'Business Basic',
  quantity: 10,
  status: 'ACTIVE',
  isTrial: false,
  termMonths: 1,
  billingCycle: 'MONTHLY',
  startDate: START,
  endDate: addMonths(START, 1),
  autoRenew: true,
  version: 3,
  renewedFromId: null,
  createdAt: START,
  updatedAt: START,
  ...overrides,
});
const request = (changes: Partial<UpgradeRequest> = {}): UpgradeRequest => ({
  current: basic,
  target: standard,
  quantity: 10,
  assignedLicences: 3,
  addOns: [],
  otherActiveOfferIds: [],
  newId: 'new',
  ...changes,
});

describe('upgrade', () => {
  it('starts a subscription of the target with the seats, and replaces the old one', () => {
    const { upgraded, previous, addOnsFollowing } = upgrade(
      row({ scheduledChange: { quantity: 8, scheduledAt: START.toISOString() } }),
      request(),
      at(100),
    );
    expect(upgraded).toMatchObject({
      id: 'new',
      offerId: 'standard',
      friendlyName: 'Business Standard',
      quantity: 10,
      status: 'ACTIVE',
      channel: 'RESELLER',
      renewedFromId: 'sub',
      version: 1,
      isTrial: false,
      startDate: at(100),
      autoRenew: true,
    });
    expect(previous).toMatchObject({ id: 'sub', status: 'REPLACED', version: 4, scheduledChange: null });
    expect(addOnsFollowing).toEqual([]);
  });

  it('never goes down or out of the family mid-term', () => {
    expect(refusals(() => upgrade(row({ offerId: 'standard' }), request({ current: standard, target: basic }), at(1)))).toEqual([
      { code: 'UPGRADE_NOT_ALLOWED', field: 'targetOfferId' },
    ]);
    expect(refusals(() => upgrade(row(), request({ target: offer('e3') }), at(1)))).toEqual([
      { code: 'UPGRADE_NOT_ALLOWED', field: 'targetOfferId' },
    ]);
    expect(refusals(() => upgrade(row(), request({ target: unavailableOffer('standard') }), at(1)))).toEqual([
      { code: 'OFFER_NOT_AVAILABLE', field: 'targetOfferId' },
    ]);
    expect(refusals(() => upgrade(row({ status: 'SUSPENDED' }), request(), at(1)))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
  });

  it("keeps the seats within the target's limits and above the assigned licences", () => {
    const small = offer('standard', { maxQuantity: 5 });
    expect(refusals(() => upgrade(row(), request({ target: small }), at(1)))).toEqual([
      { code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' },
    ]);
    expect(refusals(() => upgrade(row(), request({ quantity: 2 }), at(1)))).toEqual([
      { code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' },
    ]);
    expect(upgrade(row(), request({ quantity: 3 }), at(1)).upgraded.quantity).toBe(3);
  });

  it('takes along an add-on the target supports, and refuses naming one it does not', () => {
    const archiving = { friendlyName: 'Exchange Online Archiving', prerequisiteOfferIds: ['basic', 'standard'] };
    const phone = { friendlyName: 'Teams Phone', prerequisiteOfferIds: ['basic'] };
    expect(upgrade(row(), request({ addOns: [archiving] }), at(1)).addOnsFollowing).toEqual(['Exchange Online Archiving']);
    const refused = () => upgrade(row(), request({ addOns: [archiving, phone] }), at(1));
    expect(refusals(refused)).toEqual([{ code: 'ADD_ON_NOT_SUPPORTED', field: 'targetOfferId' }]);
    expect(() => refused()).toThrow(/Teams Phone/);
    // Another active subscription of a prerequisite keeps the add-on going: nothing to follow.
    expect(upgrade(row(), request({ addOns: [phone], otherActiveOfferIds: ['basic'] }), at(1)).addOnsFollowing).toEqual([]);
  });
});

describe('trial conversion', () => {
  const trial = row({ offerId: 'trial', isTrial: true, quantity: 25, autoRenew: false, endDate: addDays(START, 30), termMonths: 1 });
  const paid = offer('premium', { name: 'Business Premium', term: 'P1Y', billingCycle: 'MONTHLY' });

  it('keeps the id and licences, is paid from today for a new term of the paid offer', () => {
    const { after, changes } = convertTrial(trial, paid, 25, 4, at(48));
    expect(after).toMatchObject({
      id: 'sub',
      offerId: 'premium',
      friendlyName: 'Business Premium',
      isTrial: false,
      quantity: 25,
      termMonths: 12,
      startDate: at(48),
      endDate: addMonths(at(48), 12),
      autoRenew: true,
      version: 4,
    });
    expect(changes.map((change) => change.field)).toEqual(['offerId', 'isTrial', 'termMonths', 'startDate', 'endDate', 'autoRenew']);
    expect(convertTrial(trial, paid, 40, 4, at(48)).after.quantity).toBe(40);
  });

  it('refuses an ended trial, a paid subscription, and seats out of range', () => {
    expect(refusals(() => convertTrial(trial, paid, 25, 0, addDays(START, 30)))).toEqual([{ code: 'TRIAL_EXPIRED', field: 'id' }]);
    expect(refusals(() => convertTrial({ ...trial, status: 'EXPIRED' }, paid, 25, 0, at(1)))).toEqual([
      { code: 'TRIAL_EXPIRED', field: 'id' },
    ]);
    expect(refusals(() => convertTrial(row(), paid, 25, 0, at(1)))).toEqual([{ code: 'NOT_A_TRIAL', field: 'id' }]);
    expect(refusals(() => convertTrial(trial, null, 25, 0, at(1)))).toEqual([{ code: 'NOT_A_TRIAL', field: 'id' }]);
    expect(refusals(() => convertTrial(trial, unavailableOffer('premium'), 25, 0, at(1)))).toEqual([
      { code: 'OFFER_NOT_AVAILABLE', field: 'id' },
    ]);
    expect(refusals(() => convertTrial(trial, paid, 301, 0, at(1)))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(refusals(() => convertTrial(trial, paid, 3, 4, at(1)))).toEqual([{ code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' }]);
  });
});

describe('cancellation window (168 hours, both ends included)', () => {
  it('cancels at 167 h and at exactly 168 h; refuses at 168 h and a millisecond, and at 169 h', () => {
    expect(cancel(row(), basic, at(167))).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: at(167),
      refundCurrency: 'EUR',
      autoRenew: false,
      version: 4,
    });
    expect(cancel(row(), basic, at(168)).status).toBe('CANCELLED');
    expect(refusals(() => cancel(row(), basic, new Date(at(168).getTime() + 1)))).toEqual([
      { code: 'CANCELLATION_WINDOW_CLOSED', field: 'id' },
    ]);
    expect(refusals(() => cancel(row(), basic, at(169)))).toEqual([{ code: 'CANCELLATION_WINDOW_CLOSED', field: 'id' }]);
    expect(withinCancellationWindow(row(), at(168))).toBe(true);
    expect(withinCancellationWindow(row(), at(169))).toBe(false);
  });

  it('counts from the last renewal, and refuses a subscription that is gone', () => {
    const renewed = row({ startDate: at(24 * 60), createdAt: START });
    expect(cancel(renewed, basic, at(24 * 60 + 5)).status).toBe('CANCELLED');
    expect(refusals(() => cancel(row({ status: 'REPLACED' }), basic, at(1)))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    expect(refusals(() => cancel(row({ status: 'CANCELLED' }), basic, at(1)))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
  });

  it('refunds the unused part of the billing period, to the cent', () => {
    // 10 seats at 10.00 a month, billed monthly: 100.00 charged; March has 31 days.
    expect(refundOf(row(), '10.00', START)).toBe('100.00');
    expect(refundOf(row(), '10.00', at((24 * 31) / 2))).toBe('50.00');
    expect(refundOf(row(), '10.00', at(24))).toBe('96.77');
    // Billed annually for a year: the whole term was charged.
    expect(refundOf(row({ billingCycle: 'ANNUAL', termMonths: 12 }), '10.00', START)).toBe('1200.00');
    expect(refundOf(row(), '0.00', at(1))).toBe('0.00');
    expect(cancel(row(), basic, at(24)).refundAmount).toBe('96.77');
  });
});

describe('changes at renewal', () => {
  const schedule = (changes: Parameters<typeof scheduleChange>[1], subscription = row(), assigned = 3) =>
    scheduleChange(
      subscription,
      changes,
      {
        current: basic,
        target: changes.offerId
          ? (({ standard, premium, basic } as Record<string, OfferAvailability>)[changes.offerId] ?? offer(changes.offerId))
          : null,
      },
      assigned,
      at(10),
    );

  it('keeps only what changes, with when it was scheduled', () => {
    expect(schedule({ quantity: 8 })).toEqual({ quantity: 8, scheduledAt: at(10).toISOString() });
    expect(schedule({ quantity: 10, termMonths: 12, billingCycle: 'ANNUAL' })).toEqual({
      termMonths: 12,
      billingCycle: 'ANNUAL',
      scheduledAt: at(10).toISOString(),
    });
    expect(schedule({ offerId: 'standard' })).toMatchObject({ offerId: 'standard', offerName: 'Business Standard' });
    // Lower offers of the family are fine at renewal.
    expect(
      scheduleChange(row({ offerId: 'standard' }), { offerId: 'basic' }, { current: standard, target: basic }, 0, at(1)),
    ).toMatchObject({ offerId: 'basic' });
  });

  it('refuses what would not apply, naming the field', () => {
    expect(refusals(() => schedule({ quantity: 301 }))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(refusals(() => schedule({ quantity: 2 }))).toEqual([{ code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' }]);
    expect(refusals(() => schedule({ offerId: 'e3' }))).toEqual([{ code: 'VALIDATION_FAILED', field: 'offerId' }]);
    expect(refusals(() => schedule({ offerId: 'gone' }, row(), 0))).toEqual([{ code: 'VALIDATION_FAILED', field: 'offerId' }]);
    expect(
      refusals(() => scheduleChange(row(), { offerId: 'standard' }, { current: basic, target: unavailableOffer('standard') }, 0, at(1))),
    ).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    expect(refusals(() => schedule({ termMonths: 7 }))).toEqual([{ code: 'VALIDATION_FAILED', field: 'termMonths' }]);
    expect(refusals(() => schedule({ billingCycle: 'WEEKLY' }))).toEqual([{ code: 'VALIDATION_FAILED', field: 'billingCycle' }]);
    expect(refusals(() => schedule({ billingCycle: 'ANNUAL' }))).toEqual([{ code: 'VALIDATION_FAILED', field: 'billingCycle' }]);
    expect(refusals(() => schedule({ quantity: 10 }))).toEqual([{ code: 'VALIDATION_FAILED', field: 'id' }]);
    expect(refusals(() => schedule({ quantity: 8 }, row({ autoRenew: false })))).toEqual([{ code: 'AUTO_RENEW_OFF', field: 'id' }]);
    expect(refusals(() => schedule({ quantity: 8 }, row({ status: 'SUSPENDED' })))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
  });

  it('is applied once by the renewal, however late, never below the licences assigned then', () => {
    const scheduled = row({
      quantity: 10,
      startDate: addMonths(START, -1),
      endDate: START,
      scheduledChange: {
        quantity: 8,
        offerId: 'standard',
        offerName: 'Business Standard',
        termMonths: 12,
        scheduledAt: START.toISOString(),
      },
    });
    const late = advanceLifecycle(scheduled, addMonths(START, 14), 3);
    expect(late.next).toMatchObject({
      quantity: 8,
      offerId: 'standard',
      friendlyName: 'Business Standard',
      termMonths: 12,
      scheduledChange: null,
      startDate: addMonths(START, 12),
      endDate: addMonths(START, 24),
    });
    expect(late.steps.map((step) => `${step.field}:${step.to}`)).toEqual([
      `startDate:${addMonths(START, 12).toISOString()}`,
      `endDate:${addMonths(START, 24).toISOString()}`,
      'quantity:8',
      'offerId:standard',
      'termMonths:12',
    ]);
    expect(lifecycleEvents(late.steps).map((event) => event.type)).toEqual([
      'subscription.renewed',
      'subscription.scheduled_change_applied',
    ]);
    // Run again on the renewed row: nothing left to apply.
    expect(advanceLifecycle(late.next, addMonths(START, 14), 3).steps).toEqual([]);
    expect(advanceLifecycle(scheduled, addDays(START, 1), 9).next.quantity).toBe(9);
    // Not renewing: nothing applies (and the notices said so).
    expect(advanceLifecycle({ ...scheduled, autoRenew: false }, addDays(START, 1), 3).next).toMatchObject({
      status: 'EXPIRED',
      quantity: 10,
    });
  });

  it('is cleared by a mid-term change of the same field, and says what', () => {
    const change = { quantity: 8, termMonths: 12, scheduledAt: START.toISOString() };
    expect(clearScheduled(change, ['quantity'])).toEqual({
      remaining: { termMonths: 12, scheduledAt: START.toISOString() },
      cleared: { quantity: 8, scheduledAt: START.toISOString() },
    });
    expect(clearScheduled({ quantity: 8, scheduledAt: START.toISOString() }, ['quantity'])).toEqual({
      remaining: null,
      cleared: { quantity: 8, scheduledAt: START.toISOString() },
    });
    expect(clearScheduled({ termMonths: 12, scheduledAt: START.toISOString() }, ['quantity'])).toEqual({
      remaining: { termMonths: 12, scheduledAt: START.toISOString() },
      cleared: null,
    });
    expect(clearScheduled(null, ['quantity'])).toEqual({ remaining: null, cleared: null });
    expect(changedFields(row({ scheduledChange: change }), row({ scheduledChange: null }))).toEqual([
      { field: 'scheduledChange', from: 'quantity=8, termMonths=12', to: null },
    ]);
  });
});

describe('allowedActions for the weekly work', () => {
  const viewer = (customerAccess: 'FULL' | 'LIMITED'): PartnerViewer => ({
    kind: 'partner-user',
    partnerId: 'partner',
    userId: 'u',
    companyRole: 'NONE',
    customerAccess,
    programs: ['RESELLER'],
  });
  const access: CustomerAccessInfo = {
    customerId: 'customer',
    country: 'FR',
    provisioningState: 'ACTIVE',
    relationship: 'RESELLER',
    hasAdminRights: true,
    adminAccess: 'FULL',
  };
  const facts = (now: Date, changes: { upgradeTargetIds?: string[]; convertsToId?: string | null } = {}) => ({
    assignedLicences: 0,
    quantityRange: { min: 1, max: 300 },
    upgradeTargetIds: ['standard'],
    convertsToId: null,
    now,
    ...changes,
  });
  const weekly = (actions: string[]) =>
    actions.filter((action) => ['UPGRADE', 'CONVERT_TRIAL', 'CANCEL', 'SCHEDULE_CHANGE', 'REMOVE_SCHEDULED_CHANGE'].includes(action));

  it('offers each action where the mutation would accept it', () => {
    expect(weekly(allowedActions(viewer('FULL'), row(), access, facts(at(167))))).toEqual(['UPGRADE', 'CANCEL', 'SCHEDULE_CHANGE']);
    expect(weekly(allowedActions(viewer('FULL'), row(), access, facts(at(169), { upgradeTargetIds: [] })))).toEqual(['SCHEDULE_CHANGE']);
    const scheduled = row({ scheduledChange: { quantity: 8, scheduledAt: START.toISOString() } });
    expect(weekly(allowedActions(viewer('FULL'), scheduled, access, facts(at(169))))).toEqual([
      'UPGRADE',
      'SCHEDULE_CHANGE',
      'REMOVE_SCHEDULED_CHANGE',
    ]);
    const trial = row({ isTrial: true, autoRenew: false, endDate: addDays(START, 30) });
    expect(weekly(allowedActions(viewer('FULL'), trial, access, facts(at(169), { convertsToId: 'premium' })))).toEqual(['CONVERT_TRIAL']);
    expect(weekly(allowedActions(viewer('FULL'), trial, access, facts(addDays(START, 30), { convertsToId: 'premium' })))).toEqual([]);
  });

  it("offers none to a helpdesk (LIMITED) agent, nor on another partner's or a direct subscription", () => {
    expect(weekly(allowedActions(viewer('LIMITED'), row(), access, facts(at(1))))).toEqual([]);
    expect(weekly(allowedActions(viewer('FULL'), row({ partnerId: 'other' }), access, facts(at(1))))).toEqual([]);
    expect(weekly(allowedActions(viewer('FULL'), row({ channel: 'DIRECT', partnerId: null }), access, facts(at(1))))).toEqual([]);
  });
});
