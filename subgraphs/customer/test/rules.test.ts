import { describe, expect, it } from 'vitest';
import { addDays, addMonths, type CustomerAccess, type PartnerViewer } from '@partner-graph/platform';
import { refusals } from '../../../test/refusals.js';
import type { CustomerUserRow, DelegatedAdminRelationshipRow, ServiceRequestRow } from '../src/db/index.js';
import {
  accepted,
  acceptingAdmin,
  checkAdminRights,
  checkSignInAttempts,
  checkPasswordReset,
  closed,
  deleted,
  effectiveStatus,
  enteredCode,
  enteredUserName,
  expired,
  isOpenOffer,
  localeOf,
  localPartFromName,
  newOffer,
  noted,
  prefixFromName,
  purgeAt,
  readNewCustomerUser,
  readNote,
  readServiceRequest,
  relationshipEvent,
  restored,
  SIGN_IN_FAILURE_LIMIT,
  signInWindowStart,
  terminated,
} from '../src/domain/rules.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const viewer = (customerAccess: CustomerAccess): PartnerViewer => ({
  kind: 'partner-user',
  partnerId: 'p',
  userId: 'u',
  companyRole: 'NONE',
  customerAccess,
  programs: [],
});
const user = (changes: Partial<CustomerUserRow> = {}): CustomerUserRow => ({
  id: 'u1',
  customerId: 'c',
  userName: 'anne@x.onmicrosoft.com',
  firstName: 'Anne',
  lastName: 'Dupré',
  isAdmin: false,
  passwordHash: 'h',
  deletedAt: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...changes,
});

describe('names, domains and locales', () => {
  it('derives a domain prefix and a user name from names, accents and punctuation removed', () => {
    expect(prefixFromName('Café Rößler & Søn, S.A.')).toBe('caferolersnsa');
    expect(prefixFromName('!!!')).toBe('customer');
    expect(prefixFromName('A very long company name indeed')).toHaveLength(20);
    expect(localPartFromName('Anne-Marie', 'Dupré')).toBe('anne-marie.dupre');
    expect(localPartFromName('', '')).toBe('user');
  });

  it('defaults language and culture from the country', () => {
    expect(localeOf('fr')).toEqual({ language: 'fr', culture: 'fr-FR' });
    expect(localeOf('BE')).toEqual({ language: 'fr', culture: 'fr-BE' });
    expect(localeOf('JP')).toEqual({ language: 'en', culture: 'en-US' });
    expect(localeOf('FR', 'EN', 'en-GB')).toEqual({ language: 'en', culture: 'en-GB' });
  });
});

describe('admin rights on a customer (docs/api.md, "Who may do what")', () => {
  it('need a relationship with rights, and FULL effective access where FULL is needed', () => {
    expect(refusals(() => checkAdminRights(viewer('FULL'), null, 'LIMITED', 'customerId'))).toEqual([
      { code: 'NO_ADMIN_RIGHTS', field: 'customerId' },
    ]);
    expect(refusals(() => checkAdminRights(viewer('FULL'), 'LIMITED', 'LIMITED', 'customerId'))).toEqual([]);
    expect(refusals(() => checkAdminRights(viewer('FULL'), 'LIMITED', 'FULL', 'id'))).toEqual([{ code: 'NO_ADMIN_RIGHTS', field: 'id' }]);
    expect(refusals(() => checkAdminRights(viewer('LIMITED'), 'FULL', 'FULL', 'id'))).toEqual([{ code: 'NO_ADMIN_RIGHTS', field: 'id' }]);
    expect(refusals(() => checkAdminRights(viewer('FULL'), 'FULL', 'FULL', 'id'))).toEqual([]);
    expect(refusals(() => checkAdminRights(viewer('FULL'), null, undefined, 'id'))).toEqual([]);
  });
});

describe('customer users', () => {
  it('need both names and a valid user name, every mistake at once', () => {
    expect(readNewCustomerUser({ firstName: ' Anne-Marie ', lastName: 'Dupré' })).toEqual({
      firstName: 'Anne-Marie',
      lastName: 'Dupré',
      localPart: 'anne-marie.dupre',
    });
    expect(readNewCustomerUser({ firstName: 'A', lastName: 'B', userName: ' Boss ' }).localPart).toBe('boss');
    expect(refusals(() => readNewCustomerUser({ firstName: ' ', lastName: '', userName: 'no spaces' }))).toEqual([
      { code: 'VALIDATION_FAILED', field: 'input.firstName' },
      { code: 'VALIDATION_FAILED', field: 'input.lastName' },
      { code: 'VALIDATION_FAILED', field: 'input.userName' },
    ]);
  });

  it('are deleted once, never the last admin, restored once, and purged 30 days after deletion', () => {
    expect(deleted(user(), 0, NOW).deletedAt).toEqual(NOW);
    expect(refusals(() => deleted(user({ isAdmin: true }), 0, NOW))).toEqual([{ code: 'VALIDATION_FAILED', field: 'id' }]);
    expect(deleted(user({ isAdmin: true }), 1, NOW).deletedAt).toEqual(NOW);
    expect(refusals(() => deleted(user({ deletedAt: NOW }), 1, NOW))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    expect(restored(user({ deletedAt: NOW })).deletedAt).toBeNull();
    expect(refusals(() => restored(user()))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    expect(purgeAt(user({ deletedAt: NOW }))).toEqual(addDays(NOW, 30));
    expect(purgeAt(user())).toBeNull();
  });

  it('get a new password from a password admin, an admin only with FULL access on a FULL relationship', () => {
    expect(refusals(() => checkPasswordReset(viewer('LIMITED'), user(), 'LIMITED'))).toEqual([]);
    expect(() => checkPasswordReset(viewer('LIMITED'), user({ isAdmin: true }), 'FULL')).toThrow(/FULL customer access/);
    expect(refusals(() => checkPasswordReset(viewer('FULL'), user({ isAdmin: true }), 'LIMITED'))).toEqual([
      { code: 'NO_ADMIN_RIGHTS', field: 'id' },
    ]);
    expect(refusals(() => checkPasswordReset(viewer('FULL'), user({ isAdmin: true }), 'FULL'))).toEqual([]);
    expect(refusals(() => checkPasswordReset(viewer('FULL'), user({ deletedAt: NOW }), 'FULL'))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: 'id' },
    ]);
  });
});

describe('service requests', () => {
  const request = (status: ServiceRequestRow['status']): ServiceRequestRow => ({
    id: 'r',
    customerId: 'c',
    partnerId: 'p',
    title: 't',
    description: 'd',
    severity: 'MINIMAL',
    status,
    createdAt: NOW,
    updatedAt: NOW,
    closedAt: null,
  });

  it('need a title of at most 200 characters and a description', () => {
    expect(readServiceRequest({ title: ' Mail down ', description: ' since 9:00 ' })).toEqual({
      title: 'Mail down',
      description: 'since 9:00',
    });
    expect(refusals(() => readServiceRequest({ title: ' ', description: '' }))).toEqual([
      { code: 'VALIDATION_FAILED', field: 'input.title' },
      { code: 'VALIDATION_FAILED', field: 'input.description' },
    ]);
    expect(refusals(() => readServiceRequest({ title: 'x'.repeat(201), description: 'd' }))).toEqual([
      { code: 'VALIDATION_FAILED', field: 'input.title' },
    ]);
  });

  it('take notes until closed, a note reopening one that waits for the partner; close once', () => {
    expect(readNote(' thanks ')).toBe('thanks');
    expect(refusals(() => readNote('  '))).toEqual([{ code: 'VALIDATION_FAILED', field: 'text' }]);
    expect(noted(request('ATTENTION_NEEDED')).status).toBe('OPEN');
    expect(refusals(() => noted(request('CLOSED')))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    expect(closed(request('OPEN'), NOW)).toMatchObject({ status: 'CLOSED', closedAt: NOW });
    expect(refusals(() => closed(request('CLOSED'), NOW))).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
  });
});

describe('delegated administration', () => {
  const offer = newOffer({ id: 'd', customerId: 'c', partnerId: 'p', access: 'FULL', codeHash: 'hash' }, NOW);

  it('offers for 90 days, then reads as EXPIRED', () => {
    expect(offer).toMatchObject({ status: 'PENDING', expiresAt: addDays(NOW, 90), terminationCodeHash: null });
    expect(isOpenOffer(offer, addDays(NOW, 89))).toBe(true);
    expect(effectiveStatus(offer, addDays(NOW, 90))).toBe('EXPIRED');
    expect(isOpenOffer(offer, addDays(NOW, 90))).toBe(false);
  });

  it("is ACTIVE for 2 years once accepted, its code spent and the customer's termination code set", () => {
    const active: DelegatedAdminRelationshipRow = accepted(offer, 'end', NOW);
    expect(active).toMatchObject({
      status: 'ACTIVE',
      codeHash: null,
      terminationCodeHash: 'end',
      acceptedAt: NOW,
      expiresAt: addMonths(NOW, 24),
    });
    expect(isOpenOffer(active, NOW)).toBe(false);
    expect(effectiveStatus(active, addMonths(NOW, 24))).toBe('EXPIRED');
  });

  it('ends a PENDING or ACTIVE relationship once; expiry forgets the codes', () => {
    expect(terminated(accepted(offer, 'end', NOW), NOW)).toMatchObject({
      status: 'TERMINATED',
      codeHash: null,
      terminationCodeHash: null,
      terminatedAt: NOW,
    });
    expect(terminated(offer, NOW)?.status).toBe('TERMINATED');
    expect(terminated({ ...offer, status: 'TERMINATED' }, NOW)).toBeNull();
    expect(terminated(offer, addDays(NOW, 91))).toBeNull();
    expect(expired(accepted(offer, 'end', NOW))).toMatchObject({ status: 'EXPIRED', codeHash: null, terminationCodeHash: null });
  });

  it('reads a code as entered, and reports events without its codes', () => {
    expect(enteredCode(' abc ')).toBe('abc');
    expect(enteredCode('  ')).toBeNull();
    expect(enteredCode('x'.repeat(201))).toBeNull();
    const event = relationshipEvent('delegated_admin.accepted', accepted(offer, 'end', NOW), 'acceptDelegatedAdminOffer');
    expect(event).toMatchObject({
      type: 'delegated_admin.accepted',
      partnerId: 'p',
      objectType: 'DelegatedAdminRelationship',
      objectId: 'd',
      data: { customerId: 'c', access: 'FULL', status: 'ACTIVE', reason: 'acceptDelegatedAdminOffer' },
    });
    expect(JSON.stringify(event)).not.toContain('end');
  });

  describe('accepting needs the customer’s own administrator', () => {
    const admin = user({ id: 'a1', userName: 'admin@x.onmicrosoft.com', isAdmin: true });
    const invalid = [{ code: 'INVALID_CREDENTIALS', field: 'password' }];

    it('accepts an undeleted admin of the offer’s customer whose password matched', () => {
      expect(acceptingAdmin(admin, offer, true)).toBe(admin);
    });

    it.each([
      ['an unknown user name', null, true],
      ['a wrong password', admin, false],
      ['a user who is not an admin', user(), true],
      ['a deleted admin', user({ isAdmin: true, deletedAt: NOW }), true],
      ['another customer’s admin', user({ isAdmin: true, customerId: 'other' }), true],
    ])('gives %s the one same refusal', (_case, who, passwordMatches) => {
      expect(refusals(() => acceptingAdmin(who, offer, passwordMatches))).toEqual(invalid);
    });

    it('reads a user name as entered: trimmed, any case, an address', () => {
      expect(enteredUserName('  Admin@X.onmicrosoft.com ')).toBe('admin@x.onmicrosoft.com');
      expect(enteredUserName('admin')).toBeNull();
      expect(enteredUserName(`${'a'.repeat(250)}@x.fr`)).toBeNull();
    });

    it('allows 5 failures in 15 minutes per code or user name, then refuses until they age out', () => {
      expect(SIGN_IN_FAILURE_LIMIT).toBe(5);
      for (const failures of [0, 4]) expect(refusals(() => checkSignInAttempts(failures))).toEqual([]);
      for (const failures of [5, 6])
        expect(refusals(() => checkSignInAttempts(failures))).toEqual([{ code: 'TOO_MANY_ATTEMPTS', field: 'password' }]);
      expect(signInWindowStart(NOW)).toEqual(new Date('2026-03-10T11:45:00Z'));
    });
  });
});
