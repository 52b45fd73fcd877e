import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type SubgraphName } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';

// The gateway's answer cache (docs/answer-cache.md): subgraph answers the schemas' @cacheControl
// hints allow are shared by a partner's users with the same access, never across partners, and
// go with any change to a subgraph database, wherever it comes from.

const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    customers(first: 50) {
      edges {
        node {
          id
          companyName
          subscriptions {
            id
            quantity
            offer {
              name
            }
          }
        }
      }
    }
  }
`;
const PAGE = /* GraphQL */ `
  query Page($id: ID!) {
    customer(id: $id) {
      id
      companyName
      subscriptions {
        id
        version
        quantity
        allowedActions
        offer {
          id
          name
        }
      }
    }
  }
`;
/** Another Contoso admin agent: the same access as `agent@`, so the same shared answers. */
const SECOND_AGENT = 'agent2@contoso-partner.example';
const { contosoAgent, contosoHelpdesk, contosoAdmin, fabrikamAdmin } = DEMO.users;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  const created = await stack.graphql(
    'mutation($i: CreatePartnerUserInput!) { createPartnerUser(input: $i) { errors { code } } }',
    { i: { displayName: 'Second Agent', email: SECOND_AGENT, companyRole: 'NONE', customerAccess: 'FULL' } },
    { as: contosoAdmin.email },
  );
  expect(created.data?.createPartnerUser.errors).toEqual([]);
});
afterAll(async () => {
  await stack?.stop();
});

/** The SQL statements each subgraph ran for requests while `run` ran: 0 when it was not asked. */
async function statementsDuring(run: () => Promise<unknown>): Promise<Record<SubgraphName, number>> {
  const names = Object.keys(stack.subgraphs) as SubgraphName[];
  const before = names.map((name) => stack.subgraphs[name].queries.count);
  await run();
  return Object.fromEntries(names.map((name, at) => [name, stack.subgraphs[name].queries.count - before[at]!])) as Record<
    SubgraphName,
    number
  >;
}

async function read(query: string, as: string, variables?: Record<string, unknown>) {
  const response = await stack.graphql(query, variables, { as });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const namesIn = (data: Record<string, any>): string[] => data.customers.edges.map((edge: any) => edge.node.companyName);

describe('answer cache', () => {
  it("answers a partner's second user with the same access from the first one's reads, alike", async () => {
    const first = await read(DASHBOARD, contosoAgent.email);
    let second: unknown;
    const statements = await statementsDuring(async () => {
      second = await read(DASHBOARD, SECOND_AGENT);
    });
    expect(second).toEqual(first);
    expect(statements.customer).toBe(0);
    expect(statements.subscription).toBe(0);
    expect(statements.offer).toBe(0);
    // Every answer in it was PUBLIC, so its whole result was kept and given as it was.
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_answer_cache_total\{subgraph="gateway",result="hit"[^}]*\} [1-9]/);
  });

  it('keeps its answers through an update that leaves the rows as they were', async () => {
    await read(DASHBOARD, contosoAgent.email);
    await stack.subgraphs.customer.db.query(`UPDATE customer SET company_name = company_name`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await statementsDuring(() => read(DASHBOARD, SECOND_AGENT))).customer).toBe(0);
  });

  it('never answers one partner with what another read', async () => {
    const contoso = await read(PAGE, contosoAgent.email, { id: DEMO.customers.northwind });
    expect(contoso.customer).not.toBeNull();
    // Fabrikam sends the same documents: its own answers, with nothing of Contoso's.
    const fabrikamPage = await read(PAGE, fabrikamAdmin.email, { id: DEMO.customers.northwind });
    expect(fabrikamPage.customer).toBeNull();
    const contosoNames = namesIn(await read(DASHBOARD, contosoAgent.email));
    const fabrikamNames = namesIn(await read(DASHBOARD, fabrikamAdmin.email));
    expect(fabrikamNames.length).toBeGreaterThan(0);
    expect(fabrikamNames).not.toEqual(contosoNames);
    expect(fabrikamNames).not.toContain('Northwind Traders');
  });

  it("never answers allowedActions from another user's read, even with the same access", async () => {
    const agent = await read(PAGE, contosoAgent.email, { id: DEMO.customers.northwind });
    const helpdesk = await read(PAGE, contosoHelpdesk.email, { id: DEMO.customers.northwind });
    // What differs by access differs in the answers.
    expect(helpdesk.customer.subscriptions.map((s: any) => s.allowedActions)).not.toEqual(
      agent.customer.subscriptions.map((s: any) => s.allowedActions),
    );
    // The second agent gets the customer from the cache, but its subscriptions (with allowedActions) from the subgraph.
    const firstTime = await statementsDuring(() => read(PAGE, SECOND_AGENT, { id: DEMO.customers.northwind }));
    expect(firstTime.customer).toBe(0);
    expect(firstTime.subscription).toBeGreaterThan(0);
    // Its own read is kept for itself.
    const again = await statementsDuring(() => read(PAGE, SECOND_AGENT, { id: DEMO.customers.northwind }));
    expect(again.subscription).toBe(0);
  });

  it("shows a customer's name changed in its database in the next answers of every user", async () => {
    for (const as of [contosoAgent.email, SECOND_AGENT, contosoHelpdesk.email]) await read(DASHBOARD, as);
    await stack.subgraphs.customer.db.query(`UPDATE customer SET company_name = 'Northwind Traders SAS' WHERE id = $1`, [
      DEMO.customers.northwind,
    ]);
    // The change reaches the gateway as a notification of the customer database, within milliseconds.
    await expect
      .poll(async () => namesIn(await read(DASHBOARD, contosoAgent.email)), { timeout: 2_000 })
      .toContain('Northwind Traders SAS');
    for (const as of [SECOND_AGENT, contosoHelpdesk.email, contosoAdmin.email]) {
      expect(namesIn(await read(DASHBOARD, as))).toContain('Northwind Traders SAS');
    }
  });

  it('shows an offer the partner may no longer sell as null in the next answers of every user', async () => {
    const offerNames = async (as: string) =>
      (await read(PAGE, as, { id: DEMO.customers.northwind })).customer.subscriptions.map((s: any) => s.offer?.name ?? null);
    expect(await offerNames(contosoAgent.email)).toContain('Office 365 E3');
    await offerNames(SECOND_AGENT);
    await stack.subgraphs.offer.db.query(`DELETE FROM offer_authorisation WHERE partner_id = $1 AND category = 'OFFICE_365_ENTERPRISE'`, [
      DEMO.partners.contoso,
    ]);
    try {
      await expect.poll(() => offerNames(contosoAgent.email), { timeout: 2_000 }).not.toContain('Office 365 E3');
      expect(await offerNames(SECOND_AGENT)).not.toContain('Office 365 E3');
      expect(await offerNames(contosoHelpdesk.email)).not.toContain('Office 365 E3');
    } finally {
      await stack.subgraphs.offer.db.query(
        `INSERT INTO offer_authorisation (partner_id, category, created_at) VALUES ($1, 'OFFICE_365_ENTERPRISE', now())`,
        [DEMO.partners.contoso],
      );
    }
  });

  it('shows a change made through the gateway in the very next read of another user', async () => {
    const before = await read(PAGE, contosoAgent.email, { id: DEMO.customers.northwind });
    await read(PAGE, SECOND_AGENT, { id: DEMO.customers.northwind });
    const subscription = before.customer.subscriptions.find((s: any) => s.allowedActions.includes('CHANGE_QUANTITY'));
    const changed = await stack.graphql(
      'mutation($id: ID!, $q: Int!) { changeSubscriptionQuantity(id: $id, quantity: $q) { errors { code } } }',
      { id: subscription.id, q: subscription.quantity + 1 },
      { as: contosoAgent.email },
    );
    expect(changed.data?.changeSubscriptionQuantity.errors).toEqual([]);
    const after = await read(PAGE, SECOND_AGENT, { id: DEMO.customers.northwind });
    expect(after.customer.subscriptions.find((s: any) => s.id === subscription.id).quantity).toBe(subscription.quantity + 1);
  });

  it('keeps and serves nothing while it cannot hear a database, and misses no change made meanwhile', async () => {
    await read(DASHBOARD, contosoAgent.email);
    // The gateway's LISTEN connection to the customer database goes; it listens again within 2 s.
    await stack.subgraphs.customer.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    await stack.subgraphs.customer.db.query(`UPDATE customer SET company_name = 'Northwind Traders' WHERE id = $1`, [
      DEMO.customers.northwind,
    ]);
    await expect.poll(async () => namesIn(await read(DASHBOARD, SECOND_AGENT)), { timeout: 2_000 }).toContain('Northwind Traders');
    // Once it listens again, answers are kept again.
    await expect
      .poll(
        async () => {
          await read(DASHBOARD, contosoAgent.email);
          return (await statementsDuring(() => read(DASHBOARD, SECOND_AGENT))).customer;
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBe(0);
  });
});
