import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';
import { ADMIN, AGENT, FABRIKAM } from './demo-users.js';
import { customerAdminSignIn } from './customer-admin.js';

// Every subgraph keeps the audit records of its own mutations; `auditRecords` (partner
// subgraph) gives the partner one list across all of them, newest first.

const AUDIT = `query($filter: AuditRecordFilter, $first: Int, $after: String) {
  auditRecords(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id service operation resourceType resourceId customerId outcome requestId occurredAt oldValue newValue user { email } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AuditRow {
  id: string;
  service: string;
  operation: string;
  resourceType: string;
  resourceId: string | null;
  customerId: string | null;
  outcome: string;
  requestId: string;
  occurredAt: string;
  oldValue: unknown;
  newValue: unknown;
  user: { email: string } | null;
}

let stack: Stack;
const requestIds: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  const as = async (email: string, query: string, variables: object, requestId: string) => {
    requestIds.push(requestId);
    const response = await stack.graphql(query, variables as Record<string, unknown>, {
      as: email,
      headers: { 'x-request-id': requestId },
    });
    expect(response.errors).toBeUndefined();
    stack.clock.advance(1000);
    return response.data!;
  };
  await as(
    ADMIN,
    'mutation { updatePartnerProfile(input: { phone: "+33 1 11 11 11 11" }) { errors { code } } }',
    {},
    'audit-req-partner-01',
  );
  await as(
    AGENT,
    'mutation($id: ID!) { setSubscriptionAutoRenew(id: $id, enabled: false) { errors { code } } }',
    { id: DEMO.subscriptions.northwindBusinessStandard },
    'audit-req-subscription-01',
  );
  await as(
    AGENT,
    'mutation($o: ID!) { createTrialInvitation(offerId: $o) { errors { code } } }',
    { o: DEMO.offers.trialE3 },
    'audit-req-offer-01',
  );
  await as(
    AGENT,
    'mutation($o: ID!) { orderProductKeys(offerId: $o, count: 1) { errors { code } } }',
    { o: DEMO.offers.businessStandard },
    'audit-req-keys-01',
  );
  await as(
    AGENT,
    'mutation($c: ID!) { createServiceRequest(customerId: $c, input: { title: "Mailbox", description: "Cannot send", severity: MODERATE }) { errors { code } } }',
    { c: DEMO.customers.northwind },
    'audit-req-customer-01',
  );
  await as(
    FABRIKAM,
    'mutation { updatePartnerProfile(input: { phone: "+39 02 0000 0000" }) { errors { code } } }',
    {},
    'audit-req-fabrikam-01',
  );
});
afterAll(async () => {
  await stack?.stop();
});

const list = async (email: string, variables: object = {}) => {
  const response = await stack.graphql(AUDIT, { first: 50, ...variables }, { as: email });
  expect(response.errors).toBeUndefined();
  return response.data!.auditRecords as {
    edges: { cursor: string; node: AuditRow }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('auditRecords', () => {
  it('lists the mutations just made across every subgraph, newest first, with who, what and the request id', async () => {
    const { edges } = await list(ADMIN);
    const mine = edges.map((edge) => edge.node).filter((node) => node.requestId.startsWith('audit-req-'));
    expect(mine.map((node) => [node.service, node.requestId])).toEqual([
      ['customer', 'audit-req-customer-01'],
      ['licensing-key', 'audit-req-keys-01'],
      ['offer', 'audit-req-offer-01'],
      ['subscription', 'audit-req-subscription-01'],
      ['partner', 'audit-req-partner-01'],
    ]);
    const dates = edges.map((edge) => edge.node.occurredAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    const autoRenew = mine.find((node) => node.service === 'subscription')!;
    expect(autoRenew).toMatchObject({
      operation: 'setSubscriptionAutoRenew',
      resourceType: 'CustomerSubscription',
      resourceId: DEMO.subscriptions.northwindBusinessStandard,
      customerId: DEMO.customers.northwind,
      outcome: 'SUCCESS',
      oldValue: { autoRenew: 'true' },
      user: { email: AGENT },
    });
    const profile = mine.find((node) => node.service === 'partner')!;
    expect(profile).toMatchObject({ operation: 'updatePartnerProfile', user: { email: ADMIN } });
    expect((profile.newValue as { phone: string }).phone).toBe('+33 1 11 11 11 11');
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const all = (await list(ADMIN)).edges.map((edge) => edge.node.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { edges, pageInfo }: Awaited<ReturnType<typeof list>> = await list(ADMIN, { first: 2, after });
      seen.push(...edges.map((edge) => edge.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('filters by customer and by resource type', async () => {
    const byCustomer = await list(ADMIN, { filter: { customerId: DEMO.customers.northwind } });
    expect(byCustomer.edges.length).toBeGreaterThan(0);
    expect(byCustomer.edges.every((edge) => edge.node.customerId === DEMO.customers.northwind)).toBe(true);
    const byType = await list(ADMIN, { filter: { resourceType: 'CustomerSubscription' } });
    expect(byType.edges.map((edge) => edge.node.service)).toEqual(byType.edges.map(() => 'subscription'));
    const empty = await list(ADMIN, { filter: { from: '2099-01-01T00:00:00Z' } });
    expect(empty.edges).toEqual([]);
  });

  it("Fabrikam sees only its own records, none of Contoso's", async () => {
    const { edges } = await list(FABRIKAM);
    expect(edges.map((edge) => edge.node.requestId)).toEqual(['audit-req-fabrikam-01']);
  });

  it('needs an admin role or customer access: sales@ is refused, helpdesk@ reads', async () => {
    const refused = await stack.graphql(AUDIT, {}, { as: DEMO.users.contosoSales.email });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await list(DEMO.users.contosoHelpdesk.email)).edges.length).toBeGreaterThan(0);
    const anonymous = await stack.graphql(AUDIT);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('records cannot be changed', async () => {
    for (const name of ['partner', 'customer', 'subscription', 'offer', 'licensing-key'] as const) {
      await expect(stack.subgraphs[name].db.query("UPDATE audit_record SET outcome = 'x'")).rejects.toThrow(/append-only/);
    }
  });

  it("keeps the customer's side of delegated administration (anonymous, by code) in the offering partner's trail", async () => {
    const send = await stack.graphql(
      `mutation($c: ID!) { sendDelegatedAdminOffer(customerId: $c, access: FULL) { relationship { id } code errors { code } } }`,
      { c: DEMO.customers.northwind },
      { as: AGENT },
    );
    const { relationship, code } = send.data!.sendDelegatedAdminOffer;
    stack.clock.advance(1000);
    const signIn = await customerAdminSignIn(stack, DEMO.customerAdmins.northwind);
    const accepted = await stack.graphql(
      `mutation($code: String!, $signIn: CustomerAdminSignInInput!) { acceptDelegatedAdminOffer(code: $code, signIn: $signIn) { terminationCode errors { code } } }`,
      { code, signIn },
      { as: null, headers: { 'x-request-id': 'audit-dap-accept' } },
    );
    expect(accepted.data!.acceptDelegatedAdminOffer.errors).toEqual([]);
    stack.clock.advance(1000);
    const ended = await stack.graphql(
      `mutation($code: String!) { endDelegatedAdminRelationship(code: $code) { errors { code } } }`,
      { code: accepted.data!.acceptDelegatedAdminOffer.terminationCode },
      { as: null, headers: { 'x-request-id': 'audit-dap-end' } },
    );
    expect(ended.data!.endDelegatedAdminRelationship.errors).toEqual([]);

    const trail = (await list(ADMIN, { filter: { resourceType: 'DelegatedAdminRelationship' } })).edges
      .map((edge) => edge.node)
      .filter((node) => node.resourceId === relationship.id);
    expect(trail.map((node) => [node.operation, node.requestId, node.user])).toEqual([
      ['endDelegatedAdminRelationship', 'audit-dap-end', null],
      ['acceptDelegatedAdminOffer', 'audit-dap-accept', null],
      ['sendDelegatedAdminOffer', expect.any(String), { email: AGENT }],
    ]);
    expect(trail[1]).toMatchObject({
      service: 'customer',
      customerId: DEMO.customers.northwind,
      oldValue: { status: 'PENDING' },
      newValue: { status: 'ACTIVE', acceptedBy: 'admin@northwindtraders.onmicrosoft.com' },
    });
    expect(trail[0]).toMatchObject({ oldValue: { status: 'ACTIVE' }, newValue: { status: 'TERMINATED' } });
    // Nothing of it reaches another partner.
    expect((await list(FABRIKAM)).edges.map((edge) => edge.node.requestId)).toEqual(['audit-req-fabrikam-01']);
  });
});
