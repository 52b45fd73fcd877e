import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  effectiveCustomerAccess,
  type CustomerAccess,
  type CustomerAccessInfo,
  type PartnerViewer,
} from '@partner-graph/platform';
import { refusals } from '../../../test/refusals.js';
import type { SubscriptionRow } from '../src/db/index.js';
import {
  advanceLifecycle,
  allowedActions,
  changedFields,
  checkAutoRenew,
  checkFreeSeat,
  checkNotBelowAssigned,
  checkQuantity,
  checkTermMonths,
  checkVersion,
  lifecycleEvents,
  newSubscription,
  quantityRangeOf,
  reinstatementRefusal,
  renewWithDirectBilling,
  renewWithKey,
  termMonthsOf,
} from '../src/domain/rules.js';

const PARTNER = '6f1a0c3e-0000-4000-8000-000000000001';
const viewer = (
  customerAccess: CustomerAccess,
  programs: PartnerViewer['programs'] = ['RESELLER', 'SUBSCRIPTION_ADVISOR'],
): PartnerViewer => ({
  kind: 'partner-user',
  partnerId: PARTNER,
  userId: '6f1a0c3e-0000-4000-8001-000000000002',
  companyRole: 'NONE',
  customerAccess,
  programs,
});
const access = (adminAccess: CustomerAccessInfo['adminAccess']): CustomerAccessInfo => ({
  customerId: 'c',
  country: 'FR',
  provisioningState: 'ACTIVE',
  relationship: 'RESELLER',
  hasAdminRights: adminAccess !== null,
  adminAccess,
});
const row = (overrides: Partial<SubscriptionRow> = {}): SubscriptionRow => ({
  id: 's',
  customerId: 'c',
  offerId: 'o',
  partnerId: PARTNER,
  channel: 'RESELLER',
  friendlyName: 'Business Standard',
  quantity: 10,
  status: 'ACTIVE',
  isTrial: false,
  termMonths: 12,
  billingCycle: 'MONTHLY',
  startDate: new Date(0),
  endDate: new Date(0),
  autoRenew: true,
  version: 1,
  renewedFromId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});
const range = { min: 1, max: 300 };
const NOW = new Date('2026-03-10T12:00:00Z');
/** No upgrade, no paid offer, long past the cancellation window of a subscription started in 1970. */
const OFFER_FACTS = { upgradeTargetIds: [], convertsToId: null, now: NOW };

describe('effective customer access (docs/api.md, "Who may do what")', () => {
  it('is the lesser of the user and the relationship', () => {
    expect(effectiveCustomerAccess(viewer('FULL'), 'FULL')).toBe('FULL');
    expect(effectiveCustomerAccess(viewer('FULL'), 'LIMITED')).toBe('LIMITED');
    expect(effectiveCustomerAccess(viewer('LIMITED'), 'FULL')).toBe('LIMITED');
    expect(effectiveCustomerAccess(viewer('FULL'), null)).toBe('NONE');
    expect(effectiveCustomerAccess({ kind: 'anonymous' }, 'FULL')).toBe('NONE');
  });
});

describe('allowedActions', () => {
  it('offers a quantity change only when another quantity is acceptable', () => {
    const actions = (subscription: SubscriptionRow, assigned: number, quantityRange: { min: number; max: number } | null) =>
      allowedActions(viewer('FULL'), subscription, access('FULL'), { assignedLicences: assigned, quantityRange, ...OFFER_FACTS });
    expect(actions(row(), 0, range)).toContain('CHANGE_QUANTITY');
    expect(actions(row({ isTrial: true, quantity: 25, autoRenew: false }), 0, { min: 25, max: 25 })).not.toContain('CHANGE_QUANTITY');
    // Every seat assigned at the offer's maximum: neither down nor up.
    expect(actions(row({ quantity: 300 }), 300, range)).not.toContain('CHANGE_QUANTITY');
    expect(actions(row({ quantity: 10 }), 10, range)).toContain('CHANGE_QUANTITY');
    // No longer sold to the partner: the change would be OFFER_NOT_AVAILABLE.
    expect(actions(row(), 0, null)).not.toContain('CHANGE_QUANTITY');
  });

  it('offers licences on any subscription of a customer administered with FULL rights, and only then', () => {
    const direct = row({ channel: 'DIRECT', partnerId: null });
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 1, quantityRange: range, ...OFFER_FACTS })).toEqual([
      'ASSIGN_LICENCE',
      'UNASSIGN_LICENCE',
    ]);
    expect(
      allowedActions(viewer('FULL'), direct, access('LIMITED'), { assignedLicences: 1, quantityRange: range, ...OFFER_FACTS }),
    ).toEqual([]);
    expect(allowedActions(viewer('FULL'), direct, access(null), { assignedLicences: 1, quantityRange: range, ...OFFER_FACTS })).toEqual([]);
    expect(
      allowedActions(viewer('LIMITED'), direct, access('FULL'), { assignedLicences: 1, quantityRange: range, ...OFFER_FACTS }),
    ).toEqual([]);
    // Full: nothing to assign; empty: nothing to unassign.
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 10, quantityRange: range, ...OFFER_FACTS })).toEqual([
      'UNASSIGN_LICENCE',
    ]);
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 0, quantityRange: range, ...OFFER_FACTS })).toEqual([
      'ASSIGN_LICENCE',
    ]);
  });

  it('offers renewal with a key only to SUBSCRIPTION_ADVISOR on its own sale, and nothing once REPLACED', () => {
    const facts = { assignedLicences: 0, quantityRange: range, ...OFFER_FACTS };
    expect(allowedActions(viewer('FULL'), row({ status: 'EXPIRED' }), access('FULL'), facts)).toEqual(['RENEW', 'RENEW_WITH_PRODUCT_KEY']);
    expect(allowedActions(viewer('FULL', ['RESELLER']), row({ status: 'EXPIRED' }), access('FULL'), facts)).toEqual(['RENEW']);
    expect(allowedActions(viewer('FULL'), row({ channel: 'ADVISOR', status: 'EXPIRED' }), access('FULL'), facts)).toEqual([]);
    expect(
      allowedActions(viewer('FULL'), row({ status: 'REPLACED' }), access('FULL'), {
        assignedLicences: 0,
        quantityRange: range,
        ...OFFER_FACTS,
      }),
    ).toEqual([]);
  });
});

describe('quantities and terms', () => {
  it("keeps the quantity within the offer's range (no bound: 1 and unbounded)", () => {
    const offerRange = quantityRangeOf({ minQuantity: 1, maxQuantity: 300 });
    expect(refusals(() => checkQuantity(offerRange, 0))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(refusals(() => checkQuantity(offerRange, 301))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(refusals(() => checkQuantity(offerRange, 2.5))).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(refusals(() => checkQuantity(offerRange, 1))).toEqual([]);
    expect(refusals(() => checkQuantity(offerRange, 300))).toEqual([]);
    expect(quantityRangeOf({ minQuantity: null, maxQuantity: null })).toEqual({ min: 1, max: Number.MAX_SAFE_INTEGER });
  });

  it('never goes below the licences assigned, nor assigns beyond the quantity', () => {
    expect(refusals(() => checkNotBelowAssigned(4, 5))).toEqual([{ code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' }]);
    expect(refusals(() => checkNotBelowAssigned(5, 5))).toEqual([]);
    expect(refusals(() => checkFreeSeat(row({ quantity: 2 }), 2))).toEqual([{ code: 'NO_AVAILABLE_LICENCES', field: 'subscriptionId' }]);
    expect(refusals(() => checkFreeSeat(row({ quantity: 2 }), 1))).toEqual([]);
  });

  it('takes a term of 1 to 60 whole months, and reads P1M, P1Y and P3Y', () => {
    for (const months of [0, 61, 1.5])
      expect(refusals(() => checkTermMonths(months, 'months'))).toEqual([{ code: 'VALIDATION_FAILED', field: 'months' }]);
    expect(refusals(() => checkTermMonths(60, 'termMonths'))).toEqual([]);
    expect([termMonthsOf('P1M'), termMonthsOf('P1Y'), termMonthsOf('P3Y'), termMonthsOf(null)]).toEqual([1, 12, 36, 12]);
  });
});

describe('changes under the row lock', () => {
  it('refuses a stale expectedVersion, and takes none or the current one', () => {
    expect(refusals(() => checkVersion(row({ version: 3 }), 2))).toEqual([{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }]);
    expect(refusals(() => checkVersion(row({ version: 3 }), 3))).toEqual([]);
    expect(refusals(() => checkVersion(row({ version: 3 }), null))).toEqual([]);
  });

  it('turns auto-renew on or off while ACTIVE or SUSPENDED, never on for a trial', () => {
    expect(refusals(() => checkAutoRenew(row({ status: 'SUSPENDED' }), false))).toEqual([]);
    expect(refusals(() => checkAutoRenew(row({ status: 'EXPIRED' }), false))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    expect(refusals(() => checkAutoRenew(row({ isTrial: true }), true))).toEqual([{ code: 'VALIDATION_FAILED', field: 'enabled' }]);
    expect(refusals(() => checkAutoRenew(row({ isTrial: true }), false))).toEqual([]);
  });

  it('records one history entry per field that changed', () => {
    const before = row({ quantity: 10, status: 'ACTIVE', autoRenew: true });
    expect(changedFields(before, { ...before, quantity: 12 })).toEqual([{ field: 'quantity', from: '10', to: '12' }]);
    expect(changedFields(before, { ...before, status: 'SUSPENDED', autoRenew: false })).toEqual([
      { field: 'status', from: 'ACTIVE', to: 'SUSPENDED' },
      { field: 'autoRenew', from: 'true', to: 'false' },
    ]);
    expect(changedFields(before, { ...before })).toEqual([]);
  });
});

describe('a new subscription', () => {
  const offer = { offerId: 'o', name: 'Microsoft 365 Business Standard', term: 'P1Y', billingCycle: 'MONTHLY' };
  const spec = {
    id: 'n',
    customerId: 'c',
    partnerId: PARTNER,
    channel: 'RESELLER' as const,
    offer,
    quantity: 10,
    isTrial: false,
    termMonths: null,
  };

  it("runs for the offer's term and renews, version 1, ACTIVE", () => {
    expect(newSubscription(spec, NOW)).toMatchObject({
      id: 'n',
      status: 'ACTIVE',
      version: 1,
      termMonths: 12,
      startDate: NOW,
      endDate: addMonths(NOW, 12),
      autoRenew: true,
      friendlyName: offer.name,
      billingCycle: 'MONTHLY',
    });
  });

  it("lasts 30 days as a trial without a term, and a trial or a product key's term does not renew", () => {
    expect(newSubscription({ ...spec, isTrial: true }, NOW)).toMatchObject({ termMonths: 1, endDate: addDays(NOW, 30), autoRenew: false });
    expect(newSubscription({ ...spec, isTrial: true, termMonths: 3 }, NOW)).toMatchObject({
      termMonths: 3,
      endDate: addMonths(NOW, 3),
      autoRenew: false,
    });
    expect(newSubscription({ ...spec, channel: 'PRODUCT_KEY', termMonths: 24 }, NOW)).toMatchObject({
      endDate: addMonths(NOW, 24),
      autoRenew: false,
    });
    expect(newSubscription({ ...spec, offer: { ...offer, name: null } }, NOW).friendlyName).toBe('Subscription');
  });
});

describe('renewals', () => {
  it('with a key: from the end date while it is ahead, from now once past; EXPIRED and DISABLED are ACTIVE again', () => {
    const ahead = renewWithKey(row({ endDate: addDays(NOW, 10), version: 4 }), 12, NOW);
    expect(ahead.after).toMatchObject({ status: 'ACTIVE', endDate: addMonths(addDays(NOW, 10), 12), version: 5, updatedAt: NOW });
    expect(ahead.changes).toEqual([
      { field: 'endDate', from: addDays(NOW, 10).toISOString(), to: addMonths(addDays(NOW, 10), 12).toISOString() },
    ]);
    const expired = renewWithKey(row({ status: 'EXPIRED', endDate: addDays(NOW, -1) }), 12, NOW);
    expect(expired.after).toMatchObject({ status: 'ACTIVE', endDate: addMonths(NOW, 12) });
    expect(expired.changes[1]).toEqual({ field: 'status', from: 'EXPIRED', to: 'ACTIVE' });
    expect(renewWithKey(row({ status: 'SUSPENDED', endDate: addDays(NOW, -1) }), 1, NOW).after.status).toBe('SUSPENDED');
    for (const status of ['DELETED', 'REPLACED'] as const) {
      expect(refusals(() => renewWithKey(row({ status }), 12, NOW))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    }
  });

  it('with direct billing: a DIRECT subscription starts now (a year after a trial), the old one is REPLACED', () => {
    const trial = row({ id: 'old', isTrial: true, termMonths: 1, status: 'EXPIRED', autoRenew: false, version: 2 });
    const { renewed, previous } = renewWithDirectBilling(trial, 'new', NOW);
    expect(renewed).toMatchObject({
      id: 'new',
      channel: 'DIRECT',
      status: 'ACTIVE',
      isTrial: false,
      termMonths: 12,
      startDate: NOW,
      endDate: addMonths(NOW, 12),
      autoRenew: true,
      version: 1,
      renewedFromId: 'old',
    });
    expect(previous).toMatchObject({ id: 'old', status: 'REPLACED', version: 3 });
    expect(renewWithDirectBilling(row({ autoRenew: false, termMonths: 36 }), 'new', NOW).renewed.endDate).toEqual(addMonths(NOW, 36));
    // An ACTIVE subscription that renews by itself needs no renewal; a suspended one cannot be renewed.
    expect(refusals(() => renewWithDirectBilling(row({ autoRenew: true }), 'new', NOW))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
    expect(refusals(() => renewWithDirectBilling(row({ status: 'SUSPENDED', autoRenew: false }), 'new', NOW))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
  });

  it('gives a freed licence back only to an ACTIVE subscription with a free seat', () => {
    expect(reinstatementRefusal(row({ quantity: 2 }), 1)).toBeNull();
    expect(reinstatementRefusal(row({ quantity: 2 }), 2)?.code).toBe('NO_AVAILABLE_LICENCES');
    expect(reinstatementRefusal(row({ status: 'SUSPENDED' }), 0)?.code).toBe('INVALID_STATUS_TRANSITION');
  });
});

describe('the expiry lifecycle', () => {
  const end = NOW;
  const at = (subscription: SubscriptionRow, days: number) => advanceLifecycle(subscription, addDays(end, days));
  const statuses = (steps: { field: string; to: string }[]) => steps.filter((step) => step.field === 'status').map((step) => step.to);

  it('leaves a subscription alone until its end date', () => {
    expect(at(row({ endDate: end, autoRenew: false }), -1).steps).toEqual([]);
  });

  it('renews an auto-renewing subscription term after term until the one containing now', () => {
    const { next, steps } = at(row({ startDate: addMonths(end, -12), endDate: end, termMonths: 12 }), 400);
    expect(next).toMatchObject({ status: 'ACTIVE', startDate: addMonths(end, 12), endDate: addMonths(end, 24) });
    expect(steps.map((step) => step.field)).toEqual(['startDate', 'endDate']);
    expect(lifecycleEvents(steps)).toEqual([{ type: 'subscription.renewed', changes: steps }]);
  });

  it('walks a non-renewing one to EXPIRED, DISABLED at day 30 and DELETED at day 120, however late', () => {
    const ending = row({ endDate: end, autoRenew: false });
    expect(statuses(at(ending, 0).steps)).toEqual(['EXPIRED']);
    expect(statuses(at(ending, 30).steps)).toEqual(['EXPIRED', 'DISABLED']);
    expect(statuses(at(row({ endDate: end, status: 'EXPIRED' }), 29).steps)).toEqual([]);
    expect(statuses(at(row({ endDate: end, status: 'DISABLED' }), 119).steps)).toEqual([]);
    const late = at(ending, 120);
    expect(statuses(late.steps)).toEqual(['EXPIRED', 'DISABLED', 'DELETED']);
    // One event per status step, in order.
    expect(lifecycleEvents(late.steps).map((event) => event.type)).toEqual([
      'subscription.expired',
      'subscription.disabled',
      'subscription.deleted',
    ]);
  });

  it('never renews a trial or a suspended subscription: a SUSPENDED one is DISABLED at its end', () => {
    expect(statuses(at(row({ endDate: end, isTrial: true, autoRenew: true }), 0).steps)).toEqual(['EXPIRED']);
    expect(statuses(at(row({ endDate: end, status: 'SUSPENDED', autoRenew: true }), 0).steps)).toEqual(['DISABLED']);
  });
});
