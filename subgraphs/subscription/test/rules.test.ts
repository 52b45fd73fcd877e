import { describe, expect, it } from 'vitest';
import { effectiveCustomerAccess, type CustomerAccess, type PartnerViewer } from '@partner-graph/platform';
import type { SubscriptionRow } from '../src/db/index.js';
import type { CustomerAccessInfo } from '../src/domain/remote-services.js';
import { allowedActions } from '../src/domain/rules.js';

const PARTNER = '6f1a0c3e-0000-4000-8000-000000000001';
const viewer = (customerAccess: CustomerAccess, programs: PartnerViewer['programs'] = ['RESELLER', 'SUBSCRIPTION_ADVISOR']): PartnerViewer => ({
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

describe('effective customer access (SPEC §3.3)', () => {
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
      allowedActions(viewer('FULL'), subscription, access('FULL'), { assignedLicences: assigned, quantityRange });
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
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 1, quantityRange: range })).toEqual(['ASSIGN_LICENCE', 'UNASSIGN_LICENCE']);
    expect(allowedActions(viewer('FULL'), direct, access('LIMITED'), { assignedLicences: 1, quantityRange: range })).toEqual([]);
    expect(allowedActions(viewer('FULL'), direct, access(null), { assignedLicences: 1, quantityRange: range })).toEqual([]);
    expect(allowedActions(viewer('LIMITED'), direct, access('FULL'), { assignedLicences: 1, quantityRange: range })).toEqual([]);
    // Full: nothing to assign; empty: nothing to unassign.
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 10, quantityRange: range })).toEqual(['UNASSIGN_LICENCE']);
    expect(allowedActions(viewer('FULL'), direct, access('FULL'), { assignedLicences: 0, quantityRange: range })).toEqual(['ASSIGN_LICENCE']);
  });

  it('offers renewal with a key only to SUBSCRIPTION_ADVISOR on its own sale, and nothing once REPLACED', () => {
    const facts = { assignedLicences: 0, quantityRange: range };
    expect(allowedActions(viewer('FULL'), row({ status: 'EXPIRED' }), access('FULL'), facts)).toEqual(['RENEW', 'RENEW_WITH_PRODUCT_KEY']);
    expect(allowedActions(viewer('FULL', ['RESELLER']), row({ status: 'EXPIRED' }), access('FULL'), facts)).toEqual(['RENEW']);
    expect(allowedActions(viewer('FULL'), row({ channel: 'ADVISOR', status: 'EXPIRED' }), access('FULL'), facts)).toEqual([]);
    expect(allowedActions(viewer('FULL'), row({ status: 'REPLACED' }), access('FULL'), { assignedLicences: 0, quantityRange: range })).toEqual([]);
  });
});
