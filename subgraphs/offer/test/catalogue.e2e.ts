import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { Offer, type OfferRow } from '../src/db/index.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';

const EVERY_USER = [ADMIN, AGENT, HELPDESK, SALES, FABRIKAM];

const OFFERS = `query($country: String, $category: OfferCategory, $first: Int, $after: String) {
  offers(country: $country, category: $category, first: $first, after: $after) {
    edges { cursor node { id name sku category } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const OFFER = `query($id: ID!, $country: String) {
  offer(id: $id, country: $country) {
    id name sku category description minQuantity maxQuantity billingCycle term isTrial trialDays isAddOn
    prerequisiteOffers { id name } countries unitPrice currency
  }
}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const offerIds = async (as: string, variables: Record<string, unknown>) => {
  const { data, errors } = await stack.graphql(OFFERS, { first: 100, ...variables }, { as });
  expect(errors).toBeUndefined();
  return (data!.offers.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
};

describe('catalogue visibility', () => {
  it('Contoso sees every demo offer in FR, E5 included, with all its fields', async () => {
    const ids = await offerIds(ADMIN, { country: 'FR' });
    expect(new Set(ids)).toEqual(new Set(Object.values(DEMO.offers)));
    const { data } = await stack.graphql(OFFER, { id: DEMO.offers.e5, country: 'FR' }, { as: ADMIN });
    expect(data?.offer).toMatchObject({
      id: DEMO.offers.e5,
      name: 'Office 365 E5',
      category: 'OFFICE_365_ENTERPRISE',
      minQuantity: 1,
      maxQuantity: 10000,
      term: 'P1Y',
      isTrial: false,
      trialDays: null,
      isAddOn: false,
      prerequisiteOffers: [],
      currency: 'EUR',
    });
    expect(data?.offer.unitPrice).toBeGreaterThan(0);
    expect(data?.offer.countries).toContain('FR');
    expect(data?.offer.countries).not.toContain('IT');
  });

  it('an offer not sold in a country is absent from that country and null when asked with it', async () => {
    expect(await offerIds(ADMIN, { country: 'IT' })).not.toContain(DEMO.offers.e5);
    expect(await offerIds(ADMIN, { country: 'it' })).toContain(DEMO.offers.e3);
    const { data } = await stack.graphql(OFFER, { id: DEMO.offers.e5, country: 'IT' }, { as: ADMIN });
    expect(data?.offer).toBeNull();
    const anywhere = await stack.graphql(OFFER, { id: DEMO.offers.e5 }, { as: ADMIN });
    expect(anywhere.data?.offer?.id).toBe(DEMO.offers.e5);
  });

  it('Fabrikam sees only the Business offers; E3 and E5 are null like unknown ids', async () => {
    const ids = await offerIds(FABRIKAM, {});
    expect(new Set(ids)).toEqual(
      new Set([DEMO.offers.businessBasic, DEMO.offers.businessStandard, DEMO.offers.businessPremium, DEMO.offers.trialBusinessPremium]),
    );
    for (const id of [DEMO.offers.e3, DEMO.offers.e5, DEMO.offers.trialE3, DEMO.offers.exchangePlan1, randomUUID(), 'not-a-uuid']) {
      const { data, errors } = await stack.graphql(OFFER, { id }, { as: FABRIKAM });
      expect(errors).toBeUndefined();
      expect(data?.offer).toBeNull();
    }
    const categories = await stack.graphql('{ offerCategories }', {}, { as: FABRIKAM });
    expect(categories.data?.offerCategories).toEqual(['MICROSOFT_365_BUSINESS']);
  });

  it('the add-on lists its prerequisite; per-offer authorisations count like category ones', async () => {
    const { data } = await stack.graphql(OFFER, { id: DEMO.offers.exchangeArchiving }, { as: AGENT });
    expect(data?.offer).toMatchObject({
      isAddOn: true,
      prerequisiteOffers: [{ id: DEMO.offers.exchangePlan1, name: 'Exchange Online (Plan 1)' }],
    });
    expect(await offerIds(AGENT, { country: 'CH' })).not.toContain(DEMO.offers.exchangeArchiving);
  });

  it('trials are 25 seats for 30 days', async () => {
    const { data } = await stack.graphql(OFFER, { id: DEMO.offers.trialE3 }, { as: HELPDESK });
    expect(data?.offer).toMatchObject({ isTrial: true, trialDays: 30, minQuantity: 25, maxQuantity: 25, unitPrice: 0 });
  });

  it('filters by category and lists the categories of a country', async () => {
    const ids = await offerIds(ADMIN, { country: 'FR', category: 'EXCHANGE_ONLINE' });
    expect(new Set(ids)).toEqual(new Set([DEMO.offers.exchangePlan1, DEMO.offers.exchangeArchiving]));
    const { data } = await stack.graphql('query($c: String) { offerCategories(country: $c) }', { c: 'FR' }, { as: SALES });
    expect(data?.offerCategories).toEqual(['MICROSOFT_365_BUSINESS', 'OFFICE_365_ENTERPRISE', 'EXCHANGE_ONLINE']);
    const none = await stack.graphql('query($c: String) { offerCategories(country: $c) }', { c: 'JP' }, { as: SALES });
    expect(none.data?.offerCategories).toEqual([]);
  });

  it.each(EVERY_USER)('any partner user (%s) reads the catalogue', async (email) => {
    expect((await offerIds(email, { country: 'FR' })).length).toBeGreaterThan(0);
  });

  it('without a token the catalogue is refused', async () => {
    const { errors } = await stack.graphql(OFFERS, { country: 'FR' });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('pages through the catalogue with stable cursors', async () => {
    const all = await offerIds(ADMIN, { country: 'FR' });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await stack.graphql(OFFERS, { country: 'FR', first: 3, after }, { as: ADMIN });
      const page = response.data!.offers;
      seen.push(...page.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('refuses a malformed country, cursor or page size as BAD_USER_INPUT', async () => {
    for (const variables of [{ country: 'France' }, { after: 'garbage' }, { first: 0 }, { first: 101 }]) {
      const { errors } = await stack.graphql(OFFERS, variables, { as: ADMIN });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('Offer references', () => {
  const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Offer { id name } } }`;

  it('resolves only the offers the viewer partner may sell', async () => {
    const representations = [DEMO.offers.businessBasic, DEMO.offers.e5, randomUUID(), 'nope'].map((id) => ({ __typename: 'Offer', id }));
    const contoso = await stack.subgraphRequest('offer', ENTITIES, { viewer: await stack.viewerOf(ADMIN), variables: { representations } });
    expect(contoso.data?._entities.map((entity: { id: string } | null) => entity?.id ?? null)).toEqual([
      DEMO.offers.businessBasic,
      DEMO.offers.e5,
      null,
      null,
    ]);
    const fabrikam = await stack.subgraphRequest('offer', ENTITIES, {
      viewer: await stack.viewerOf(FABRIKAM),
      variables: { representations },
    });
    expect(fabrikam.data?._entities.map((entity: { id: string } | null) => entity?.id ?? null)).toEqual([
      DEMO.offers.businessBasic,
      null,
      null,
      null,
    ]);
  });
});

describe('offerAvailability (internal)', () => {
  const AVAILABILITY = `query($partnerId: ID!, $country: String!, $offerIds: [ID!]!) {
    offerAvailability(partnerId: $partnerId, country: $country, offerIds: $offerIds) {
      offerId available name minQuantity maxQuantity isTrial isAddOn prerequisiteOfferIds term billingCycle
    }
  }`;

  it('answers per offer, in order, for the given partner and country', async () => {
    const unknown = randomUUID();
    const offerIds = [DEMO.offers.e5, DEMO.offers.exchangeArchiving, unknown, DEMO.offers.businessPremium];
    const it = await stack.subgraphRequest('offer', AVAILABILITY, {
      issuer: 'subscription',
      variables: { partnerId: DEMO.partners.contoso, country: 'IT', offerIds },
    });
    expect(it.errors).toBeUndefined();
    expect(it.data?.offerAvailability).toEqual([
      {
        offerId: DEMO.offers.e5,
        available: false,
        name: null,
        minQuantity: null,
        maxQuantity: null,
        isTrial: null,
        isAddOn: null,
        prerequisiteOfferIds: [],
        term: null,
        billingCycle: null,
      },
      {
        offerId: DEMO.offers.exchangeArchiving,
        available: true,
        name: 'Exchange Online Archiving',
        minQuantity: 1,
        maxQuantity: 10000,
        isTrial: false,
        isAddOn: true,
        prerequisiteOfferIds: [DEMO.offers.exchangePlan1],
        term: 'P1M',
        billingCycle: 'MONTHLY',
      },
      expect.objectContaining({ offerId: unknown, available: false }),
      expect.objectContaining({ offerId: DEMO.offers.businessPremium, available: true, minQuantity: 1, maxQuantity: 300 }),
    ]);
    const fr = await stack.subgraphRequest('offer', AVAILABILITY, {
      issuer: 'customer',
      variables: { partnerId: DEMO.partners.contoso, country: 'FR', offerIds: [DEMO.offers.e5] },
    });
    expect(fr.data?.offerAvailability[0]).toMatchObject({ available: true, term: 'P1Y', minQuantity: 1, maxQuantity: 10000 });
    const fabrikam = await stack.subgraphRequest('offer', AVAILABILITY, {
      issuer: 'customer',
      variables: { partnerId: DEMO.partners.fabrikam, country: 'FR', offerIds: [DEMO.offers.e3, DEMO.offers.businessBasic] },
    });
    expect(fabrikam.data?.offerAvailability.map((entry: { available: boolean }) => entry.available)).toEqual([false, true]);
  });

  it('with no country, answers whether the partner may sell the offer anywhere', async () => {
    const query = `query($partnerId: ID!, $offerIds: [ID!]!) { offerAvailability(partnerId: $partnerId, country: null, offerIds: $offerIds) { offerId available } }`;
    const contoso = await stack.subgraphRequest('offer', query, {
      issuer: 'licensing-key',
      variables: { partnerId: DEMO.partners.contoso, offerIds: [DEMO.offers.e5, DEMO.offers.businessStandard] },
    });
    expect(contoso.data?.offerAvailability.map((entry: { available: boolean }) => entry.available)).toEqual([true, true]);
    const fabrikam = await stack.subgraphRequest('offer', query, {
      issuer: 'licensing-key',
      variables: { partnerId: DEMO.partners.fabrikam, offerIds: [DEMO.offers.e5, DEMO.offers.businessStandard] },
    });
    expect(fabrikam.data?.offerAvailability.map((entry: { available: boolean }) => entry.available)).toEqual([false, true]);
  });

  it.each([
    ['advisor code', 'partnerAdvisorCode(partnerId: $id)', { partnerAdvisorCode: 'CONTOSO-ADV' }],
    [
      'name and contact',
      'partnerContact(partnerId: $id) { companyName email phone }',
      { partnerContact: expect.objectContaining({ companyName: 'Contoso Cloud Partners' }) },
    ],
  ])("the partner's %s (partner subgraph, internal) is refused to the gateway", async (_what, field, answer) => {
    const query = `query($id: ID!) { ${field} }`;
    const service = await stack.subgraphRequest('partner', query, { issuer: 'offer', variables: { id: DEMO.partners.contoso } });
    expect(service.data).toEqual(answer);
    const gateway = await stack.subgraphRequest('partner', query, { issuer: 'router', variables: { id: DEMO.partners.contoso } });
    expect(gateway.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const client = await stack.graphql(query, { id: DEMO.partners.contoso }, { as: ADMIN });
    expect(client.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('is refused to the gateway and absent from the client API', async () => {
    const variables = { partnerId: DEMO.partners.contoso, country: 'FR', offerIds: [DEMO.offers.e5] };
    const gateway = await stack.subgraphRequest('offer', AVAILABILITY, { issuer: 'router', variables });
    expect(gateway.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const client = await stack.graphql(AVAILABILITY, variables, { as: ADMIN });
    expect(client.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

/** SQL statements the offer subgraph ran for one request. */
async function statements(run: () => Promise<unknown>): Promise<number> {
  const before = stack.subgraphs.offer.queries.count;
  await run();
  return stack.subgraphs.offer.queries.count - before;
}

// Last in this file: the 60 add-ons it adds sort before the demo catalogue.
describe('a constant number of SQL statements', () => {
  let extraIds: string[];
  beforeAll(async () => {
    // 60 add-ons (so every one resolves a prerequisite too), named to sort before the demo catalogue.
    const now = stack.clock.now();
    const rows: OfferRow[] = Array.from({ length: 60 }, (_, i) => ({
      id: randomUUID(),
      name: `AAA Load add-on ${String(i).padStart(2, '0')}`,
      sku: `LOAD_ADDON_${i}`,
      category: 'OFFICE_365_ENTERPRISE',
      description: 'Load test add-on',
      translatedDescriptions: {},
      minQuantity: 1,
      maxQuantity: 100,
      billingCycle: 'MONTHLY',
      term: 'P1M',
      isTrial: false,
      trialDays: null,
      isAddOn: true,
      prerequisiteOfferIds: [i % 2 ? DEMO.offers.e3 : DEMO.offers.e5, DEMO.offers.e1],
      upgradeTargetIds: [DEMO.offers.e3, DEMO.offers.e5],
      convertsToId: null,
      countries: ['FR', 'DE'],
      unitPrice: '1.00',
      currency: 'EUR',
      createdAt: now,
      updatedAt: now,
    }));
    await stack.subgraphs.offer.db.getRepository(Offer).insert(rows);
    extraIds = rows.map((row) => row.id);
  });

  it('for a page of 1 or 50 offers with their prerequisites', async () => {
    const query = `query($first: Int) { offers(country: "FR", first: $first) { edges { node { id name prerequisiteOffers { id name } upgradeTargets { id name } convertsTo { id } } } } }`;
    const page = async (first: number) => {
      const { data, errors } = await stack.graphql(query, { first }, { as: ADMIN });
      expect(errors).toBeUndefined();
      expect(data?.offers.edges).toHaveLength(first);
      expect(data?.offers.edges.at(-1).node.prerequisiteOffers).toHaveLength(2);
      expect(data?.offers.edges.at(-1).node.upgradeTargets).toHaveLength(2);
    };
    const one = await statements(() => page(1));
    const fifty = await statements(() => page(50));
    expect(one).toBeLessThanOrEqual(2);
    expect(fifty).toBe(one);
  });

  it('for an _entities batch of 1 or 50 offers', async () => {
    const viewer = await stack.viewerOf(ADMIN);
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Offer { id prerequisiteOffers { id } upgradeTargets { id } } } }`;
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
        {
          lines: [
            { offerId: DEMO.offers.e3, quantity: 5 },
            { offerId: extraIds[i], quantity: 5 },
            { offerId: DEMO.offers.e1, quantity: 3 },
          ],
        },
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
      await stack.graphql(
        `mutation { createTrialInvitation(offerId: "${i % 2 ? DEMO.offers.trialE3 : DEMO.offers.trialBusinessPremium}") { errors { code } } }`,
        {},
        { as: ADMIN },
      );
    }
    const query = `query($first: Int) { trialInvitations(first: $first) { edges { node { id url offer { id name } } } } }`;
    const page = (first: number) => stack.graphql(query, { first }, { as: ADMIN });
    const one = await statements(() => page(1));
    const twenty = await statements(() => page(20));
    expect((await page(20)).data?.trialInvitations.edges).toHaveLength(20);
    expect(twenty).toBe(one);
  });
});
