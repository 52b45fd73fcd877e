import { describe, expect, it } from 'vitest';
import { COMPANY_ROLES, CUSTOMER_ACCESS, decodeCursor, Problems, type AuditTrailEntry, type PartnerViewer } from '@partner-graph/platform';
import { refusals } from '../../../test/refusals.js';
import {
  attemptPosition,
  auditView,
  checkEventTypes,
  checkOwnRolesUnchanged,
  mayReadAuditTrail,
  mergeAuditShares,
} from '../src/domain/rules.js';

const ID = '6f1a0c3e-0000-4000-8000-000000000001';

describe('webhook endpoints', () => {
  const eventTypeProblems = (types: string[]) =>
    refusals(() => {
      const problems = new Problems();
      checkEventTypes(problems, types);
      problems.throwIfAny();
    });

  it('subscribe to at least one event type, each one the platform reports', () => {
    expect(eventTypeProblems(['subscription.suspended', 'customer.created'])).toEqual([]);
    expect(eventTypeProblems([])).toEqual([{ code: 'VALIDATION_FAILED', field: 'eventTypes' }]);
    expect(eventTypeProblems(['subscription.suspended', 'subscription.renamed'])).toEqual([
      { code: 'VALIDATION_FAILED', field: 'eventTypes' },
    ]);
    // The test event goes to one endpoint when asked; nobody subscribes to it.
    expect(eventTypeProblems(['webhook.test'])).toEqual([{ code: 'VALIDATION_FAILED', field: 'eventTypes' }]);
  });

  it('are audited without their secret', () => {
    const endpoint = {
      id: ID,
      partnerId: ID,
      url: 'https://example.com/hook',
      eventTypes: ['customer.created'],
      status: 'ACTIVE' as const,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      previousSecretExpiresAt: null,
    };
    expect(auditView(endpoint)).toEqual({ url: 'https://example.com/hook', eventTypes: ['customer.created'], status: 'ACTIVE' });
  });

  it('page their delivery log after a position; a foreign cursor is the end', () => {
    expect(attemptPosition(null)).toBeNull();
    expect(attemptPosition(['2026-01-02T03:04:05.000Z', ID])).toEqual({ attemptedAt: '2026-01-02T03:04:05.000Z', id: ID });
    expect(attemptPosition(decodeCursor('WyJ4Il0'))).toBe('none');
    expect(attemptPosition(['2026-01-02', 'nope'])).toBe('none');
  });
});

describe("a user manager's own roles", () => {
  const OTHER = '6f1a0c3e-0000-4000-8000-000000000002';
  const manager = (companyRole: PartnerViewer['companyRole'], customerAccess: PartnerViewer['customerAccess'] = 'NONE'): PartnerViewer => ({
    kind: 'partner-user',
    partnerId: ID,
    userId: ID,
    companyRole,
    customerAccess,
    programs: [],
  });
  const code = (run: () => void) => {
    try {
      run();
      return null;
    } catch (error) {
      return (error as { extensions?: { code?: string } }).extensions?.code;
    }
  };

  it('a USER_ADMIN cannot raise or change its own customer access or company role', () => {
    const self = { id: ID, companyRole: 'USER_ADMIN' as const, customerAccess: 'NONE' as const };
    for (const customerAccess of ['FULL', 'LIMITED'] as const)
      expect(code(() => checkOwnRolesUnchanged(manager('USER_ADMIN'), self, { ...self, customerAccess }))).toBe('FORBIDDEN');
    expect(code(() => checkOwnRolesUnchanged(manager('USER_ADMIN'), self, { ...self, companyRole: 'BILLING_ADMIN' }))).toBe('FORBIDDEN');
    // Its own name, or nothing at all, may change.
    expect(code(() => checkOwnRolesUnchanged(manager('USER_ADMIN'), self, self))).toBeNull();
  });

  it("a USER_ADMIN sets another user's roles; a GLOBAL_ADMIN sets its own", () => {
    expect(
      code(() =>
        checkOwnRolesUnchanged(
          manager('USER_ADMIN'),
          { id: OTHER, companyRole: 'NONE', customerAccess: 'NONE' },
          { companyRole: 'NONE', customerAccess: 'FULL' },
        ),
      ),
    ).toBeNull();
    expect(
      code(() =>
        checkOwnRolesUnchanged(
          manager('GLOBAL_ADMIN', 'LIMITED'),
          { id: ID, companyRole: 'GLOBAL_ADMIN', customerAccess: 'LIMITED' },
          { companyRole: 'GLOBAL_ADMIN', customerAccess: 'FULL' },
        ),
      ),
    ).toBeNull();
  });
});

describe('the audit trail', () => {
  it('is read by an admin role or a user with customer access, and no one else', () => {
    const viewer = (companyRole: PartnerViewer['companyRole'], customerAccess: PartnerViewer['customerAccess']): PartnerViewer => ({
      kind: 'partner-user',
      partnerId: ID,
      userId: ID,
      companyRole,
      customerAccess,
      programs: [],
    });
    for (const role of COMPANY_ROLES) {
      for (const access of CUSTOMER_ACCESS) {
        expect(mayReadAuditTrail(viewer(role, access)), `${role} ${access}`).toBe(role !== 'NONE' || access !== 'NONE');
      }
    }
    expect(mayReadAuditTrail({ kind: 'anonymous' })).toBe(false);
  });

  it("merges each subgraph's share newest first, ties by id, into one page", () => {
    const entry = (id: string, occurredAt: string): AuditTrailEntry => ({
      id,
      partnerId: ID,
      userId: null,
      operation: 'x',
      resourceType: 'y',
      resourceId: null,
      customerId: null,
      oldValue: null,
      newValue: null,
      outcome: 'SUCCEEDED',
      requestId: 'r',
      occurredAt,
    });
    const page = mergeAuditShares(
      [[entry('b', '2026-01-03'), entry('a', '2026-01-01')], [entry('c', '2026-01-03'), entry('d', '2026-01-02')], []],
      3,
    );
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['c', 'b', 'd']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual(['2026-01-02', 'd']);
    expect(mergeAuditShares([[entry('a', '2026-01-01')]], 3).pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    expect(mergeAuditShares([[]], 3).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
