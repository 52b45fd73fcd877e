import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, DEMO } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { SubscriptionLifecycle } from '../src/domain/lifecycle.js';
import { AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';


const READ = `query($id: ID!) { subscription(id: $id) { id status version endDate allowedActions assignedLicences channel renewedFrom { id } replacedBy { id } } }`;
const NOTICES = `query($after: String) { renewalNotices(first: 2, after: $after) { edges { node { daysBefore recipients endDate subscription { id } customer { id } } } pageInfo { hasNextPage endCursor } } }`;
const RENEW = `mutation($id: ID!, $v: Int) { renewSubscriptionWithDirectBilling(id: $id, expectedVersion: $v) { subscription { id status channel autoRenew allowedActions assignedLicences renewedFrom { id } } previous { id status replacedBy { id } } errors { code } } }`;

let stack: Stack;
let lifecycle: SubscriptionLifecycle;
beforeAll(async () => {
  stack = await startStack();
  lifecycle = new SubscriptionLifecycle(stack.subgraphs.subscription.db, stack.clock);
});
afterAll(async () => {
  await stack?.stop();
});

async function allNotices(as: string) {
  const nodes: { daysBefore: number; recipients: string[]; subscription: { id: string } | null }[] = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse = await stack.graphql(NOTICES, { after }, { as });
    expect(response.errors).toBeUndefined();
    const page: { edges: { node: (typeof nodes)[number] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = response.data!.renewalNotices;
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

describe('the demo subscription ending within 7 days, through the gateway', () => {
  const id = DEMO.subscriptions.northwindE3Ending;

  it('gets exactly four notices, then EXPIRED, DISABLED, renewed with direct billing', async () => {
    const { endDate } = (await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription;
    const end = new Date(endDate);
    // Late (5 days before the end): the 60/30/7-day notices are caught up, once.
    await Promise.all([lifecycle.runLifecycle(stack.clock.now()), lifecycle.runLifecycle(stack.clock.now())]);
    expect((await allNotices(AGENT)).map((notice) => notice.daysBefore).sort((a, b) => a - b)).toEqual([7, 30, 60]);
    stack.clock.set(addDays(end, -1));
    await lifecycle.runLifecycle(stack.clock.now());
    const notices = await allNotices(AGENT);
    expect(notices.map((notice) => notice.daysBefore).sort((a, b) => a - b)).toEqual([1, 7, 30, 60]);
    expect(notices.every((notice) => notice.subscription?.id === id && notice.recipients.join() === 'CUSTOMER_CONTACT,PARTNER_ON_RECORD')).toBe(true);
    expect(await allNotices(HELPDESK)).toHaveLength(4);
    expect(await allNotices(FABRIKAM)).toHaveLength(0);
    expect((await stack.graphql(NOTICES, {}, { as: SALES })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    stack.clock.set(end);
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription).toMatchObject({ status: 'EXPIRED', allowedActions: ['RENEW', 'RENEW_WITH_PRODUCT_KEY'] });
    stack.clock.set(addDays(end, 30));
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription.status).toBe('DISABLED');
    expect(await allNotices(AGENT)).toHaveLength(4);

    // Only the partner on record renews: Fabrikam cannot see it, helpdesk is not FULL.
    expect((await stack.graphql(RENEW, { id }, { as: FABRIKAM })).data!.renewSubscriptionWithDirectBilling.errors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await stack.graphql(RENEW, { id }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A stale version is refused and changes nothing.
    const disabled = (await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription;
    const stale = (await stack.graphql(RENEW, { id, v: disabled.version - 1 }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling;
    expect(stale).toEqual({ subscription: null, previous: null, errors: [{ code: 'VERSION_CONFLICT' }] });
    expect((await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription).toMatchObject({ status: 'DISABLED', version: disabled.version });
    const renewed = (await stack.graphql(RENEW, { id, v: disabled.version }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling;
    // REPLACED, not DELETED: told apart from a deprovisioned subscription; its licences moved, and the new one's stay the customer's to assign.
    expect(renewed).toMatchObject({
      errors: [],
      previous: { id, status: 'REPLACED', replacedBy: { id: renewed.subscription.id } },
      subscription: { status: 'ACTIVE', channel: 'DIRECT', autoRenew: true, allowedActions: ['ASSIGN_LICENCE'], renewedFrom: { id } },
    });
    expect((await stack.graphql(READ, { id }, { as: AGENT })).data!.subscription).toMatchObject({ status: 'REPLACED', allowedActions: [], assignedLicences: 0 });
    // Renewing twice creates nothing more.
    expect((await stack.graphql(RENEW, { id }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION' }]);
    const listed = await stack.graphql(`query($id: ID!) { customer(id: $id) { subscriptions { id status channel } } }`, { id: DEMO.customers.northwind }, { as: AGENT });
    expect(listed.data!.customer.subscriptions.filter((sub: { channel: string }) => sub.channel === 'DIRECT')).toEqual([{ id: renewed.subscription.id, status: 'ACTIVE', channel: 'DIRECT' }]);
  });

  // Renewal terms, catch-up and the walk to DELETED are rules (test/rules.test.ts) and the
  // lifecycle job's (test/lifecycle.test.ts, the subscription subgraph alone).
});
