import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';

// An offer the partner may not sell is null wherever it is referenced, like an unknown id —
// while the subscription that references it stays visible to a related partner.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // Fabrikam (Business offers only) also relates to Northwind, which has an Office 365 E3 subscription.
  await stack.subgraphs.customer.db.query(
    `INSERT INTO customer_partner (customer_id, partner_id, relationship, name_key, domain_key, created_at)
     SELECT customer_id, $2, 'RESELLER', name_key, domain_key, now() FROM customer_partner WHERE customer_id = $1 LIMIT 1`,
    [DEMO.customers.northwind, DEMO.partners.fabrikam],
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('CustomerSubscription.offer', () => {
  it("is null for an offer the viewer's partner may not sell, and resolved for one it may", async () => {
    const query = `query($id: ID!) { customer(id: $id) { subscriptions { id offer { id name } } } }`;
    const fabrikam = await stack.graphql(query, { id: DEMO.customers.northwind }, { as: DEMO.users.fabrikamAdmin.email });
    expect(fabrikam.errors).toBeUndefined();
    const offers = Object.fromEntries(
      fabrikam.data!.customer.subscriptions.map((s: { id: string; offer: { name: string } | null }) => [s.id, s.offer?.name ?? null]),
    );
    expect(offers).toEqual({
      [DEMO.subscriptions.northwindE3Ending]: null,
      [DEMO.subscriptions.northwindBusinessStandard]: 'Microsoft 365 Business Standard',
    });
    const contoso = await stack.graphql(query, { id: DEMO.customers.northwind }, { as: DEMO.users.contosoAgent.email });
    expect(contoso.data!.customer.subscriptions.every((s: { offer: unknown }) => s.offer !== null)).toBe(true);
  });
});
