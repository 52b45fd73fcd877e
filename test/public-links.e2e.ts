import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_PURGE_QUEUE, auditRetentionJobs, DEMO, purgeAuditRecords } from '@partner-graph/platform';
import { offerServices } from '../subgraphs/offer/src/services.js';
import { AGENT } from './demo-users.js';
import { startStack, type Stack } from './stack.js';

// The gateway's production budgets for customer-facing links (10 acceptances per address and 100
// per link an hour), behind one trusted proxy so each test comes from addresses of its own.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ productionAcceptanceLimits: true, gatewayEnv: { TRUST_PROXY_HOPS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE_TRIAL = `mutation($offerId: ID!, $max: Int) {
  createTrialInvitation(offerId: $offerId, maxAcceptances: $max) { trialInvitation { id url maxAcceptances } errors { code field } }
}`;
const ACCEPT_TRIAL = `mutation($code: String!, $customer: AcceptingCustomerInput!) {
  acceptTrialInvitation(code: $code, customer: $customer) { acceptance { id status failure { code } } errors { code field } }
}`;
const PREVIEW = `query($code: String!) { trialInvitationByCode(code: $code) { status partner { companyName } lines { offerId } } }`;
const DOMAIN = `query($prefix: String!) { isDomainAvailable(prefix: $prefix) { available } }`;

const prospect = (companyName: string, domainPrefix?: string) => ({
  companyName,
  country: 'FR',
  addressLine1: '1 place Bellecour',
  city: 'Lyon',
  postalCode: '69002',
  contactFirstName: 'Claire',
  contactLastName: 'Martin',
  contactEmail: 'claire@prospect.example',
  ...(domainPrefix ? { domainPrefix } : {}),
});

async function trialInvitation(maxAcceptances?: number) {
  const { data } = await stack.graphql(
    CREATE_TRIAL,
    { offerId: DEMO.offers.trialBusinessPremium, max: maxAcceptances ?? null },
    { as: AGENT },
  );
  expect(data?.createTrialInvitation.errors).toEqual([]);
  const invitation = data!.createTrialInvitation.trialInvitation;
  return {
    id: invitation.id as string,
    code: (invitation.url as string).split('/').pop()!,
    maxAcceptances: invitation.maxAcceptances as number | null,
  };
}

/** A request without a token from `address` (the proxy's X-Forwarded-For): its status, Retry-After and body. */
async function anonymous(query: string, variables: Record<string, unknown>, address: string) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string; limit?: string } }[] },
  };
}

async function count(db: 'offer' | 'customer', sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await stack.subgraphs[db].db.query(`SELECT count(*)::int AS count FROM ${sql}`, params);
  return row.count;
}
const acceptancesOf = (invitationId: string) => count('offer', 'offer_acceptance WHERE trial_invitation_id = $1', [invitationId]);
const auditRows = () => count('offer', 'audit_record');

describe('a customer-facing link opens at a human pace', () => {
  it('10 aliased anonymous acceptances in one request: HTTP 400, no acceptance, no account, no audit row', async () => {
    const invitation = await trialInvitation();
    const audited = await auditRows();
    const fields = Array.from(
      { length: 10 },
      (_, i) => `a${i}: acceptTrialInvitation(code: $code, customer: $customer) { acceptance { id } errors { code } }`,
    ).join('\n');
    const response = await anonymous(
      `mutation($code: String!, $customer: AcceptingCustomerInput!) { ${fields} }`,
      { code: invitation.code, customer: prospect('Alias Ten') },
      '198.51.100.1',
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'anonymousMutationFields' });
    expect(await acceptancesOf(invitation.id)).toBe(0);
    expect(await count('customer', `customer WHERE company_name = 'Alias Ten'`)).toBe(0);
    expect(await auditRows()).toBe(audited);
  });

  it('a burst of 50 anonymous acceptances of one link from one address: 10 go through, the rest 429 with Retry-After', async () => {
    const invitation = await trialInvitation();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        anonymous(ACCEPT_TRIAL, { code: invitation.code, customer: prospect(`Burst ${i}`) }, '198.51.100.2'),
      ),
    );
    const accepted = responses.filter((response) => response.status === 200);
    const throttled = responses.filter((response) => response.status === 429);
    expect(accepted).toHaveLength(10);
    expect(throttled).toHaveLength(40);
    for (const response of throttled) {
      expect(response.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(response.retryAfter)).toBeGreaterThan(0);
      expect(Number(response.retryAfter)).toBeLessThanOrEqual(3600);
    }
    for (const response of accepted)
      expect(response.body.data.acceptTrialInvitation).toMatchObject({ errors: [], acceptance: { status: 'PENDING' } });
    expect(await acceptancesOf(invitation.id)).toBe(10);
    // Another address is counted on its own.
    expect((await anonymous(ACCEPT_TRIAL, { code: invitation.code, customer: prospect('Next Door') }, '198.51.100.3')).status).toBe(200);
  });

  it('refused anonymous acceptances add no audit row, only the metric; a partner user’s refusal is still audited', async () => {
    const invitation = await trialInvitation();
    const audited = await auditRows();
    const address = '198.51.100.4';
    for (let i = 0; i < 3; i++) {
      const unknown = await anonymous(ACCEPT_TRIAL, { code: 'x'.repeat(43), customer: prospect('Nobody') }, address);
      expect(unknown.body.data.acceptTrialInvitation.errors).toEqual([{ code: 'INVALID_CODE', field: 'code' }]);
    }
    const sloppy = await anonymous(
      ACCEPT_TRIAL,
      { code: invitation.code, customer: { ...prospect('Sloppy'), contactEmail: 'nope' } },
      address,
    );
    expect(sloppy.body.data.acceptTrialInvitation.errors).toEqual([{ code: 'VALIDATION_FAILED', field: 'customer.contactEmail' }]);
    expect(await auditRows()).toBe(audited);

    const metrics = await (await fetch(new URL('/metrics', stack.subgraphs.offer.url))).text();
    const counted = (code: string) =>
      Number(
        metrics.match(
          new RegExp(`^anonymous_mutation_refusals_total\\{operation="acceptTrialInvitation",code="${code}"[^}]*\\} (\\d+)$`, 'm'),
        )?.[1],
      );
    expect(counted('INVALID_CODE')).toBeGreaterThanOrEqual(3);
    expect(counted('VALIDATION_FAILED')).toBeGreaterThanOrEqual(1);

    const { data } = await stack.graphql(
      `mutation($id: ID!) { revokeTrialInvitation(id: $id) { errors { code } } }`,
      { id: invitation.id },
      { as: AGENT },
    );
    expect(data?.revokeTrialInvitation.errors).toEqual([]);
    const again = await stack.graphql(
      `mutation($id: ID!) { revokeTrialInvitation(id: $id) { errors { code } } }`,
      { id: invitation.id },
      { as: AGENT },
    );
    expect(again.data?.revokeTrialInvitation.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION' }]);
    expect(await auditRows()).toBe(audited + 2);
  });

  it('a capped link refuses past its cap; a FAILED acceptance holds no domain and gives its place back', async () => {
    const invitation = await trialInvitation(2);
    expect(invitation.maxAcceptances).toBe(2);
    const acceptances = offerServices(stack.subgraphs.offer.runtime).acceptances;
    const domain = `capped${randomBytes(4).toString('hex')}`;
    const accept = async (name: string, prefix: string | undefined, address: string) => {
      const response = await anonymous(ACCEPT_TRIAL, { code: invitation.code, customer: prospect(name, prefix) }, address);
      return response.body.data.acceptTrialInvitation;
    };

    // Two acceptances ask for one domain: while they are PENDING neither holds it.
    const first = await accept('Capped One', domain, '198.51.100.5');
    const second = await accept('Capped Two', domain, '198.51.100.6');
    expect([first.errors, second.errors]).toEqual([[], []]);
    expect((await stack.graphql(DOMAIN, { prefix: domain }, { as: AGENT })).data?.isDomainAvailable.available).toBe(true);
    // The link is full while both may still make an account.
    expect((await accept('Capped Early', undefined, '198.51.100.7')).errors).toEqual([{ code: 'ACCEPTANCE_LIMIT_REACHED', field: 'code' }]);

    expect((await acceptances.resume(first.acceptance.id)).status).toBe('COMPLETED');
    const failed = await acceptances.resume(second.acceptance.id);
    expect(failed).toMatchObject({ status: 'FAILED', failureCode: 'DOMAIN_TAKEN' });
    expect(await count('customer', `customer WHERE company_name = 'Capped Two'`)).toBe(0);
    expect(await count('customer', `customer WHERE lower(default_domain) = $1`, [`${domain}.onmicrosoft.com`])).toBe(1);

    // The failed one gave its place back: one more customer may accept, then no one.
    const third = await accept('Capped Three', undefined, '198.51.100.7');
    expect(third.errors).toEqual([]);
    expect((await accept('Capped Four', undefined, '198.51.100.8')).errors).toEqual([{ code: 'ACCEPTANCE_LIMIT_REACHED', field: 'code' }]);
    expect(await acceptancesOf(invitation.id)).toBe(3);
    // Its page says so, and nothing else.
    const page = await stack.graphql(PREVIEW, { code: invitation.code }, { as: null });
    expect(page.data?.trialInvitationByCode).toEqual({ status: 'FULL', partner: null, lines: [] });
    const open = await trialInvitation(5);
    expect((await stack.graphql(PREVIEW, { code: open.code }, { as: null })).data?.trialInvitationByCode).toMatchObject({
      status: 'ACTIVE',
      partner: { companyName: expect.any(String) },
    });

    const wrongCap = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium, max: 0 }, { as: AGENT });
    expect(wrongCap.data?.createTrialInvitation.errors).toEqual([{ code: 'VALIDATION_FAILED', field: 'maxAcceptances' }]);
  });
});

describe('audit retention', () => {
  it('the daily purge deletes only the records older than AUDIT_RETENTION_DAYS; the trail stays append-only otherwise', async () => {
    const db = stack.subgraphs.offer.db;
    const day = 86_400_000;
    const now = stack.clock.now().getTime();
    const insert = (operation: string, at: number) =>
      db.query(
        `INSERT INTO audit_record (operation, resource_type, outcome, request_id, occurred_at) VALUES ($1, 'Test', 'SUCCESS', 'retention-test', $2)`,
        [operation, new Date(at)],
      );
    await insert('retention-old', now - 31 * day);
    await insert('retention-edge', now - 30 * day);
    await insert('retention-recent', now - 29 * day);
    const mine = async () =>
      (
        (await db.query(`SELECT operation FROM audit_record WHERE request_id = 'retention-test' ORDER BY occurred_at`)) as {
          operation: string;
        }[]
      ).map((row) => row.operation);
    await expect(db.query(`DELETE FROM audit_record WHERE request_id = 'retention-test'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE audit_record SET outcome = 'FAILURE' WHERE request_id = 'retention-test'`)).rejects.toThrow(
      /append-only/,
    );

    // The job the schedule runs, with a retention of 30 days on the test clock.
    const jobs = auditRetentionJobs({ db, clock: stack.clock, auditRetentionDays: 30 });
    expect(jobs.schedules).toEqual([{ queue: AUDIT_PURGE_QUEUE, cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    await jobs.handlers[AUDIT_PURGE_QUEUE]!({}, { send: async () => null, stop: async () => {} });
    expect(await mine()).toEqual(['retention-edge', 'retention-recent']);
    // Outside the purge's own transaction its cutoff opens nothing.
    await expect(db.query(`DELETE FROM audit_record WHERE request_id = 'retention-test'`)).rejects.toThrow(/append-only/);
    expect(await purgeAuditRecords(db, new Date(now - 29 * day + 1))).toBeGreaterThanOrEqual(2);
    expect(await mine()).toEqual([]);
  });
});
