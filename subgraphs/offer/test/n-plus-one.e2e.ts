import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { Offer, type OfferRow } from '../src/db/index.js';
import { ADMIN } from '../../../test/demo-users.js';


let stack: Stack;
let extraIds: string[];

beforeAll(async () => {
  stack = await startStack();
  // 60 add-ons (so every one resolves a prerequisite too), named to sort before the demo catalogue.
  const now = stack.clock.now();
  const rows: OfferRow[] = Array.from({ length: 60 }, (_, i) => ({
    id: randomUUID(),
    name: `AAA Load add-on ${String(i).padStart(2, '0')}`,
    sku: `LOAD_ADDON_${i}`,
    category: 'OFFICE_365_ENTERPRISE',
    description: 'Load test add-on',
    minQuantity: 1,
    maxQuantity: 100,
    billingCycle: 'MONTHLY',
    term: 'P1M',
    isTrial: false,
    trialDays: null,
    isAddOn: true,
    prerequisiteOfferIds: [i % 2 ? DEMO.offers.e3 : DEMO.offers.e5, DEMO.offers.e1],
    countries: ['FR', 'DE'],
    unitPrice: '1.00',
    currency: 'EUR',
    createdAt: now,
    updatedAt: now,
  }));
  await stack.subgraphs.offer.db.getRepository(Offer).insert(rows);
  extraIds = rows.map((row) => row.id);
});
afterAll(async () => {
  await stack?.stop();
});

/** SQL statements the offer subgraph ran for one request. */
async function statements(run: () => Promise<unknown>): Promise<number> {
  const before = stack.subgraphs.offer.queries.count;
  await run();
  return stack.subgraphs.offer.queries.count - before;
}

describe('a constant number of SQL statements', () => {
  it('for a page of 1 or 50 offers with their prerequisites', async () => {
    const query = `query($first: Int) { offers(country: "FR", first: $first) { edges { node { id name prerequisiteOffers { id name } } } } }`;
    const page = async (first: number) => {
      const { data, errors } = await stack.graphql(query, { first }, { as: ADMIN });
      expect(errors).toBeUndefined();
      expect(data?.offers.edges).toHaveLength(first);
      expect(data?.offers.edges.at(-1).node.prerequisiteOffers).toHaveLength(2);
    };
    const one = await statements(() => page(1));
    const fifty = await statements(() => page(50));
    expect(one).toBeLessThanOrEqual(2);
    expect(fifty).toBe(one);
  });

  it('for an _entities batch of 1 or 50 offers', async () => {
    const viewer = await stack.viewerOf(ADMIN);
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Offer { id prerequisiteOffers { id } } } }`;
    const batch = async (ids: string[]) => {
      const representations = ids.map((id) => ({ __typename: 'Offer', id }));
      const { data, errors } = await stack.subgraphRequest('offer', query, { viewer, issuer: 'router', variables: { representations } });
      expect(errors).toBeUndefined();
      expect(data?._entities.map((entity: { id: string }) => entity.id)).toEqual(ids);
    };
    const one = await statements(() => batch(extraIds.slice(0, 1)));
    const fifty = await statements(() => batch(extraIds.slice(0, 50)));
    expect(one).toBeLessThanOrEqual(2);
    expect(fifty).toBe(one);
  });

  it('for a page of 1 or 20 purchase offers with their lines and offers', async () => {
    for (let i = 0; i < 20; i++) {
      const { data } = await stack.graphql(
        `mutation($lines: [PurchaseOfferLineInput!]!) { createPurchaseOffer(lines: $lines) { errors { code } } }`,
        { lines: [{ offerId: DEMO.offers.e3, quantity: 5 }, { offerId: extraIds[i], quantity: 5 }, { offerId: DEMO.offers.e1, quantity: 3 }] },
        { as: ADMIN },
      );
      expect(data?.createPurchaseOffer.errors).toEqual([]);
    }
    const query = `query($first: Int) { purchaseOffers(first: $first) { edges { node { id url lines { quantity offer { id name } } } } } }`;
    const page = async (first: number) => {
      const { data, errors } = await stack.graphql(query, { first }, { as: ADMIN });
      expect(errors).toBeUndefined();
      expect(data?.purchaseOffers.edges).toHaveLength(first);
    };
    const one = await statements(() => page(1));
    const twenty = await statements(() => page(20));
    // The page, its lines, their offers.
    expect(one).toBe(3);
    expect(twenty).toBe(one);
  });

  it('for a page of 1 or 20 trial invitations with their offers', async () => {
    for (let i = 0; i < 20; i++) {
      await stack.graphql(`mutation { createTrialInvitation(offerId: "${i % 2 ? DEMO.offers.trialE3 : DEMO.offers.trialBusinessPremium}") { errors { code } } }`, {}, { as: ADMIN });
    }
    const query = `query($first: Int) { trialInvitations(first: $first) { edges { node { id url offer { id name } } } } }`;
    const page = (first: number) => stack.graphql(query, { first }, { as: ADMIN });
    const one = await statements(() => page(1));
    const twenty = await statements(() => page(20));
    expect((await page(20)).data?.trialInvitations.edges).toHaveLength(20);
    expect(twenty).toBe(one);
  });
});
