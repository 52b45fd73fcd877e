import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, DEMO } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { formatProductKey, generateProductKey, hashProductKey } from '../src/domain/key-format.js';
import { licensingKeyServices } from '../src/services.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';

const KEY_PATTERN = /^([BCDFGHJKMPQRTVWXY2346789]{5}-){4}[BCDFGHJKMPQRTVWXY2346789]{5}$/;

const ORDER = `mutation($offerId: ID!, $count: Int!, $seatsPerKey: Int, $idempotencyKey: String) {
  orderProductKeys(offerId: $offerId, count: $count, seatsPerKey: $seatsPerKey, idempotencyKey: $idempotencyKey) {
    keys { key productKey { id maskedKey lastFive seats termMonths state offer { id } } }
    errors { code message field }
  }
}`;
const LIST = `query($state: ProductKeyState, $first: Int, $after: String) {
  productKeys(state: $state, first: $first, after: $after) {
    edges { cursor node { id maskedKey lastFive seats termMonths state orderedAt redeemedAt usedFor offer { id } customer { id } subscription { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const VALIDATE = `query($keys: [String!]!) {
  validateProductKeys(keys: $keys) { input maskedKey status message seats termMonths offer { id } productKey { id } }
}`;
const REDEEM = `mutation($keys: [String!]!, $customer: ProductKeyCustomerInput!, $idempotencyKey: String!) {
  redeemProductKeys(keys: $keys, customer: $customer, idempotencyKey: $idempotencyKey) {
    redemption { id status usedFor seats termMonths keys { id maskedKey state } customer { id } subscription { id } failure { code } }
    customer { id }
    subscription { id }
    adminUserName
    temporaryPassword
    errors { code message field }
  }
}`;
const RENEW = `mutation($subscriptionId: ID!, $key: String!) {
  renewSubscriptionWithProductKey(subscriptionId: $subscriptionId, key: $key) {
    redemption { id status usedFor }
    subscription { id }
    productKey { id state usedFor subscription { id } }
    endDate
    errors { code message field }
  }
}`;
const CUSTOMER = `query($id: ID!) {
  customer(id: $id) {
    id companyName country relationship provisioningState
    users { id userName isAdmin }
    subscriptions { id quantity channel status endDate offer { id } partnerOnRecord { id } licenceAssignments { userId } }
  }
}`;
const SUBSCRIPTION = `query($id: ID!) { subscription(id: $id) { id status endDate quantity } }`;
const REVOKE = `mutation($id: ID!) { revokeProductKey(id: $id) { productKey { id state lastFive } errors { code field } } }`;

let stack: Stack;
beforeAll(async () => {
  // Workers on: the customer subgraph provisions new accounts in the background.
  stack = await startStack({ workers: true });
});
afterAll(async () => {
  await stack?.stop();
});

async function order(count: number, offerId: string = DEMO.offers.businessStandard, seatsPerKey?: number): Promise<string[]> {
  const { data, errors } = await stack.graphql(ORDER, { offerId, count, seatsPerKey }, { as: AGENT });
  expect(errors).toBeUndefined();
  expect(data!.orderProductKeys.errors).toEqual([]);
  return data!.orderProductKeys.keys.map((k: { key: string }) => k.key);
}

const newCustomer = (overrides: Record<string, unknown> = {}) => ({
  companyName: `Keyed ${randomUUID().slice(0, 8)}`,
  country: 'FR',
  adminFirstName: 'Claire',
  adminLastName: 'Martin',
  adminEmail: 'claire.martin@example.com',
  ...overrides,
});

const redeem = (keys: string[], customer = newCustomer(), idempotencyKey = randomUUID(), as = AGENT) =>
  stack.graphql(REDEEM, { keys, customer, idempotencyKey }, { as });

const PROGRESS = `query($id: ID!) {
  productKeyRedemption(id: $id) {
    id status usedFor seats termMonths adminUserName keys { id maskedKey state usedFor subscription { id } } customer { id } subscription { id endDate } failure { code }
  }
}`;

/**
 * A redemption's mutation answers at once; its flow runs in the background. Resumes it (as its
 * job would, deterministically) until it is COMPLETED or FAILED or 10 s have passed, then reads
 * its progress as the partner does (`productKeyRedemption`).
 */
async function settled(id: string) {
  const { redemptions } = licensingKeyServices(stack.subgraphs['licensing-key'].runtime);
  let redemption = await redemptions.resume(id);
  for (let i = 0; i < 40 && redemption.status !== 'COMPLETED' && redemption.status !== 'FAILED'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    redemption = await redemptions.resume(id);
  }
  const { data } = await stack.graphql(PROGRESS, { id }, { as: AGENT });
  return data!.productKeyRedemption;
}

describe('authorisation: SUBSCRIPTION_ADVISOR + FULL', () => {
  const operations: [string, string, () => Record<string, unknown>][] = [
    ['orderProductKeys', ORDER, () => ({ offerId: DEMO.offers.businessStandard, count: 1 })],
    ['productKeys', LIST, () => ({})],
    ['validateProductKeys', VALIDATE, () => ({ keys: [formatProductKey(generateProductKey())] })],
    [
      'redeemProductKeys',
      REDEEM,
      () => ({ keys: [formatProductKey(generateProductKey())], customer: newCustomer(), idempotencyKey: randomUUID() }),
    ],
    [
      'renewSubscriptionWithProductKey',
      RENEW,
      () => ({ subscriptionId: DEMO.subscriptions.northwindE3Ending, key: formatProductKey(generateProductKey()) }),
    ],
    ['revokeProductKey', REVOKE, () => ({ id: randomUUID() })],
  ];
  it.each(operations)('%s: agent@ and admin@ (FULL) may, helpdesk@, sales@ and Fabrikam may not', async (field, query, variables) => {
    for (const email of [AGENT, ADMIN]) {
      const { data, errors } = await stack.graphql(query, variables(), { as: email });
      expect(errors, `${email} ${field}`).toBeUndefined();
      expect(data?.[field]).toBeTruthy();
    }
    for (const email of [HELPDESK, SALES, FABRIKAM]) {
      const { data, errors } = await stack.graphql(query, variables(), { as: email });
      expect(errors?.[0]?.extensions?.code, `${email} ${field}`).toBe('FORBIDDEN');
      expect(data?.[field] ?? null).toBeNull();
    }
    const anonymous = await stack.graphql(query, variables(), { as: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('ordering and listing', () => {
  it('returns the full keys once; the list and the database only ever hold the last five characters', async () => {
    const { data } = await stack.graphql(ORDER, { offerId: DEMO.offers.businessStandard, count: 3 }, { as: AGENT });
    const ordered = data!.orderProductKeys.keys as {
      key: string;
      productKey: { id: string; maskedKey: string; lastFive: string; seats: number; termMonths: number; state: string };
    }[];
    expect(ordered).toHaveLength(3);
    for (const { key, productKey } of ordered) {
      expect(key).toMatch(KEY_PATTERN);
      expect(productKey).toMatchObject({
        lastFive: key.slice(-5),
        maskedKey: `XXXXX-XXXXX-XXXXX-XXXXX-${key.slice(-5)}`,
        seats: 1,
        termMonths: 12,
        state: 'AVAILABLE',
      });
    }
    expect(new Set(ordered.map((k) => k.key)).size).toBe(3);

    const list = await stack.graphql(LIST, { first: 100 }, { as: AGENT });
    const ids = list.data!.productKeys.edges.map((e: { node: { id: string } }) => e.node.id);
    for (const { productKey } of ordered) expect(ids).toContain(productKey.id);
    const rows: Record<string, unknown>[] = await stack.subgraphs['licensing-key'].db.query('SELECT * FROM product_key');
    const everything = JSON.stringify(list.data) + JSON.stringify(rows);
    for (const { key } of ordered) {
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.replace(/-/g, ''));
      expect(everything).not.toContain(key.replace(/-/g, '').slice(0, 20));
    }
    const [{ audits }] = await stack.subgraphs['licensing-key'].db.query(
      `SELECT count(*)::int AS audits FROM audit_record WHERE operation = 'orderProductKeys' AND user_id = $1`,
      [DEMO.users.contosoAgent.id],
    );
    expect(audits).toBeGreaterThanOrEqual(1);
    const hashes = rows.map((r) => r.key_hash);
    for (const { key } of ordered) expect(hashes).toContain(hashProductKey(key.replace(/-/g, '')));
  });

  it('a replayed order returns the same keys, masked, and creates none', async () => {
    const idempotencyKey = randomUUID();
    const first = await stack.graphql(ORDER, { offerId: DEMO.offers.e3, count: 2, idempotencyKey }, { as: AGENT });
    const again = await stack.graphql(ORDER, { offerId: DEMO.offers.e3, count: 2, idempotencyKey }, { as: AGENT });
    const ids = (d: typeof first) => d.data!.orderProductKeys.keys.map((k: { productKey: { id: string } }) => k.productKey.id);
    expect(ids(again)).toEqual(ids(first));
    expect(first.data!.orderProductKeys.keys.every((k: { key: string | null }) => k.key !== null)).toBe(true);
    expect(again.data!.orderProductKeys.keys.every((k: { key: string | null }) => k.key === null)).toBe(true);
  });

  // The order's own limits are rules (test/rules.test.ts); here the offer subgraph's answer reaches them.
  it('refuses trial offers, unknown offers and seats outside the offer range', async () => {
    const trial = await stack.graphql(ORDER, { offerId: DEMO.offers.trialE3, count: 1 }, { as: AGENT });
    expect(trial.data!.orderProductKeys).toMatchObject({ keys: [], errors: [{ code: 'OFFER_NOT_AVAILABLE' }] });
    const tooMany = await stack.graphql(ORDER, { offerId: DEMO.offers.businessStandard, count: 1, seatsPerKey: 301 }, { as: AGENT });
    expect(tooMany.data!.orderProductKeys.errors[0]).toMatchObject({ code: 'QUANTITY_OUT_OF_RANGE', field: 'seatsPerKey' });
    const unknown = await stack.graphql(ORDER, { offerId: randomUUID(), count: 1 }, { as: AGENT });
    expect(unknown.data!.orderProductKeys.errors[0]).toMatchObject({ code: 'OFFER_NOT_AVAILABLE' });
  });

  it('a page of many keys costs the same SQL statements as a page of one', async () => {
    await order(5);
    const count = async (first: number) => {
      const before = stack.subgraphs['licensing-key'].queries.count;
      const { data } = await stack.graphql(LIST, { first }, { as: AGENT });
      expect(data!.productKeys.edges).toHaveLength(first);
      return stack.subgraphs['licensing-key'].queries.count - before;
    };
    expect(await count(5)).toBe(await count(1));
  });

  it('pages with cursors and filters by state', async () => {
    await order(3, DEMO.offers.e1);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: GraphQLResponse = await stack.graphql(LIST, { first: 2, after, state: 'AVAILABLE' }, { as: AGENT });
      const edges = page.data!.productKeys.edges as { node: { id: string; state: string } }[];
      for (const edge of edges) expect(edge.node.state).toBe('AVAILABLE');
      seen.push(...edges.map((e) => e.node.id));
      if (!page.data!.productKeys.pageInfo.hasNextPage) break;
      after = page.data!.productKeys.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const [{ count }] = await stack.subgraphs['licensing-key'].db.query(
      `SELECT count(*)::int AS count FROM product_key WHERE state = 'AVAILABLE' AND partner_id = $1`,
      [DEMO.partners.contoso],
    );
    expect(seen).toHaveLength(count);
  });
});

describe('validation (the review step)', () => {
  it('reports valid, malformed and unknown keys, in any case and spacing, and changes nothing', async () => {
    const [a, b] = await order(2);
    const mistyped = `${a!.slice(0, -1)}0`;
    const random = formatProductKey(generateProductKey());
    const { data, errors } = await stack.graphql(
      VALIDATE,
      { keys: [a, b!.toLowerCase().replace(/-/g, ' '), mistyped, random] },
      { as: AGENT },
    );
    expect(errors).toBeUndefined();
    const result = data!.validateProductKeys;
    expect(result.map((r: { status: string }) => r.status)).toEqual(['VALID', 'VALID', 'MALFORMED', 'UNKNOWN']);
    expect(result[0]).toMatchObject({
      seats: 1,
      termMonths: 12,
      offer: { id: DEMO.offers.businessStandard },
      maskedKey: `XXXXX-XXXXX-XXXXX-XXXXX-${a!.slice(-5)}`,
    });
    expect(result[2].message).toMatch(/"0"/);
    expect(result[3]).toMatchObject({ offer: null, seats: null, productKey: null });
    const again = await stack.graphql(VALIDATE, { keys: [a] }, { as: AGENT });
    expect(again.data!.validateProductKeys[0].status).toBe('VALID');
  });

  it("another partner's key reads as unknown and fails redemption like an unknown key", async () => {
    const bare = generateProductKey();
    const fabrikamKeyId = randomUUID();
    await stack.subgraphs['licensing-key'].db.query(
      `INSERT INTO product_key (id, partner_id, offer_id, key_hash, last_five, seats, term_months, state, order_id, ordered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 1, 12, 'AVAILABLE', $6, now(), now())`,
      [fabrikamKeyId, DEMO.partners.fabrikam, DEMO.offers.businessStandard, hashProductKey(bare), bare.slice(-5), randomUUID()],
    );
    const { data } = await stack.graphql(VALIDATE, { keys: [bare] }, { as: AGENT });
    expect(data!.validateProductKeys[0]).toMatchObject({ status: 'UNKNOWN', productKey: null, offer: null });
    const byId = await stack.graphql('query($id: ID!) { productKey(id: $id) { id } }', { id: fabrikamKeyId }, { as: AGENT });
    expect(byId.errors).toBeUndefined();
    expect(byId.data!.productKey).toBeNull();
    const listed = await stack.graphql(LIST, { first: 100 }, { as: AGENT });
    expect(JSON.stringify(listed.data)).not.toContain(fabrikamKeyId);
    const redeemed = await redeem([bare]);
    expect(redeemed.data!.redeemProductKeys.errors).toEqual([
      { code: 'INVALID_PRODUCT_KEY', message: expect.any(String), field: 'keys.0' },
    ]);
    const unknown = await redeem([formatProductKey(generateProductKey())]);
    expect(unknown.data!.redeemProductKeys.errors[0].message).toBe(redeemed.data!.redeemProductKeys.errors[0].message);
  });
});

describe('revocation', () => {
  it('an unused key can be revoked once; it then validates as REVOKED and cannot be redeemed', async () => {
    const [key] = await order(1);
    const listed = await stack.graphql(VALIDATE, { keys: [key] }, { as: AGENT });
    const id = listed.data!.validateProductKeys[0].productKey.id;
    const revoked = await stack.graphql(REVOKE, { id }, { as: AGENT });
    expect(revoked.data!.revokeProductKey).toMatchObject({ errors: [], productKey: { id, state: 'REVOKED', lastFive: key!.slice(-5) } });
    const validated = await stack.graphql(VALIDATE, { keys: [key] }, { as: AGENT });
    expect(validated.data!.validateProductKeys[0].status).toBe('REVOKED');
    const redeemed = await redeem([key!]);
    expect(redeemed.data!.redeemProductKeys.errors).toEqual([
      { code: 'PRODUCT_KEY_REVOKED', message: expect.any(String), field: 'keys.0' },
    ]);
    const again = await stack.graphql(REVOKE, { id }, { as: AGENT });
    expect(again.data!.revokeProductKey.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
  });

  it("another partner's key, or an unknown id, is NOT_FOUND", async () => {
    const [key] = await order(1);
    const id = (await stack.graphql(VALIDATE, { keys: [key] }, { as: AGENT })).data!.validateProductKeys[0].productKey.id;
    const viewer = await stack.viewerOf(FABRIKAM);
    // Fabrikam signed (by a service) as if it had the advisor program, so the partner filter itself is what refuses.
    const asFabrikam = await stack.subgraphRequest('licensing-key', REVOKE, {
      issuer: 'subscription',
      viewer: { ...viewer, programs: ['RESELLER', 'SUBSCRIPTION_ADVISOR'] } as typeof viewer,
      variables: { id },
    });
    expect(asFabrikam.data!.revokeProductKey.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    for (const unknown of [randomUUID(), 'not-an-id']) {
      const response = await stack.graphql(REVOKE, { id: unknown }, { as: AGENT });
      expect(response.data!.revokeProductKey.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    }
    const still = await stack.graphql(VALIDATE, { keys: [key] }, { as: AGENT });
    expect(still.data!.validateProductKeys[0].status).toBe('VALID');
  });
});

describe('redemption into a new customer account', () => {
  it('the issue check: order 3, redeem 2 for a new FR customer, redeem one again, renew with the third', async () => {
    const [k1, k2, k3] = await order(3, DEMO.offers.businessStandard, 5);
    const idempotencyKey = randomUUID();
    const customerInput = newCustomer();
    const { data, errors } = await redeem([k1!, k2!.toLowerCase().replace(/-/g, '')], customerInput, idempotencyKey);
    expect(errors).toBeUndefined();
    const result = data!.redeemProductKeys;
    expect(result.errors).toEqual([]);
    // At once: the keys reserved, the password shown once; the account is made in the background.
    expect(result).toMatchObject({
      redemption: { status: 'PENDING', usedFor: 'NEW_ACCOUNT', seats: 10, termMonths: 12 },
      customer: null,
      subscription: null,
    });
    expect(result.redemption.keys.map((k: { state: string }) => k.state)).toEqual(['AVAILABLE', 'AVAILABLE']);
    expect(result.temporaryPassword).toEqual(expect.any(String));
    const done = await settled(result.redemption.id);
    expect(done).toMatchObject({ status: 'COMPLETED', usedFor: 'NEW_ACCOUNT', seats: 10, termMonths: 12 });
    expect(done.keys.map((k: { state: string }) => k.state)).toEqual(['REDEEMED', 'REDEEMED']);
    expect(done.adminUserName).toMatch(/@.+\.onmicrosoft\.com$/);
    const customerId = done.customer.id;
    const subscriptionId = done.subscription.id;

    const customer = (await stack.graphql(CUSTOMER, { id: customerId }, { as: AGENT })).data!.customer;
    expect(customer).toMatchObject({
      companyName: customerInput.companyName,
      country: 'FR',
      relationship: 'ADVISOR',
      provisioningState: 'ACTIVE',
    });
    expect(customer.subscriptions).toHaveLength(1);
    expect(customer.subscriptions[0]).toMatchObject({
      id: subscriptionId,
      quantity: 10,
      channel: 'PRODUCT_KEY',
      status: 'ACTIVE',
      offer: { id: DEMO.offers.businessStandard },
      partnerOnRecord: { id: DEMO.partners.contoso },
    });
    const admin = customer.users.find((u: { isAdmin: boolean }) => u.isAdmin);
    expect(admin.userName).toBe(done.adminUserName);
    expect(customer.subscriptions[0].licenceAssignments.map((a: { userId: string }) => a.userId)).toEqual([admin.id]);

    // A retry with the same idempotency key returns the first result, without the password.
    const replay = await redeem([k1!, k2!], customerInput, idempotencyKey);
    expect(replay.data!.redeemProductKeys).toMatchObject({
      errors: [],
      customer: { id: customerId },
      redemption: { id: result.redemption.id, status: 'COMPLETED' },
      temporaryPassword: null,
    });
    // The same idempotency key for other keys is refused.
    const reused = await redeem([k3!], customerInput, idempotencyKey);
    expect(reused.data!.redeemProductKeys.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');

    const again = await redeem([k2!]);
    expect(again.data!.redeemProductKeys).toMatchObject({
      redemption: null,
      errors: [{ code: 'PRODUCT_KEY_ALREADY_REDEEMED', field: 'keys.0' }],
    });
    const validated = await stack.graphql(VALIDATE, { keys: [k1, k3] }, { as: AGENT });
    expect(validated.data!.validateProductKeys.map((v: { status: string }) => v.status)).toEqual(['ALREADY_REDEEMED', 'VALID']);

    const before = (await stack.graphql(SUBSCRIPTION, { id: subscriptionId }, { as: AGENT })).data!.subscription;
    const renewed = await stack.graphql(RENEW, { subscriptionId, key: k3 }, { as: AGENT });
    expect(renewed.errors).toBeUndefined();
    expect(renewed.data!.renewSubscriptionWithProductKey).toMatchObject({
      errors: [],
      redemption: { status: 'PENDING', usedFor: 'RENEWAL' },
      subscription: { id: subscriptionId },
    });
    const renewal = await settled(renewed.data!.renewSubscriptionWithProductKey.redemption.id);
    expect(renewal).toMatchObject({
      status: 'COMPLETED',
      usedFor: 'RENEWAL',
      subscription: { id: subscriptionId },
      keys: [{ state: 'REDEEMED', usedFor: 'RENEWAL', subscription: { id: subscriptionId } }],
    });
    const after = (await stack.graphql(SUBSCRIPTION, { id: subscriptionId }, { as: AGENT })).data!.subscription;
    expect(new Date(after.endDate).toISOString()).toBe(addMonths(new Date(before.endDate), 12).toISOString());
    expect(new Date(renewal.subscription.endDate).toISOString()).toBe(new Date(after.endDate).toISOString());
    // Retrying the same renewal gives its result and does not extend twice.
    const retried = await stack.graphql(RENEW, { subscriptionId, key: k3 }, { as: AGENT });
    expect(retried.data!.renewSubscriptionWithProductKey.errors).toEqual([]);
    expect((await stack.graphql(SUBSCRIPTION, { id: subscriptionId }, { as: AGENT })).data!.subscription.endDate).toBe(after.endDate);

    const list = await stack.graphql(LIST, { state: 'REDEEMED', first: 100 }, { as: AGENT });
    const redeemed = list.data!.productKeys.edges.map((e: { node: unknown }) => e.node);
    expect(redeemed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          lastFive: k1!.slice(-5),
          usedFor: 'NEW_ACCOUNT',
          customer: { id: customerId },
          subscription: { id: subscriptionId },
        }),
        expect.objectContaining({
          lastFive: k3!.slice(-5),
          usedFor: 'RENEWAL',
          customer: { id: customerId },
          subscription: { id: subscriptionId },
        }),
      ]),
    );
    for (const key of [k1!, k2!, k3!]) expect(JSON.stringify(list.data)).not.toContain(key);
  });

  it('refuses a country where the offer is not sold, naming only that country', async () => {
    const [key] = await order(1, DEMO.offers.e5);
    const { data } = await redeem([key!], newCustomer({ country: 'IT' }));
    expect(data!.redeemProductKeys.errors).toEqual([
      { code: 'COUNTRY_NOT_SUPPORTED', message: 'Office 365 E5 is not sold in IT', field: 'customer.country' },
    ]);
    const validated = await stack.graphql(VALIDATE, { keys: [key] }, { as: AGENT });
    expect(validated.data!.validateProductKeys[0].status).toBe('VALID');
  });

  it('refuses keys of two offers, malformed keys and bad customer details, all at once', async () => {
    const [standard] = await order(1, DEMO.offers.businessStandard);
    const [e1] = await order(1, DEMO.offers.e1);
    const mixed = await redeem([standard!, e1!]);
    expect(mixed.data!.redeemProductKeys.errors[0].code).toBe('MIXED_OFFERS');
    const bad = await redeem(['not-a-key', standard!], newCustomer({ country: 'France', adminEmail: 'nope' }));
    expect(bad.data!.redeemProductKeys.errors.map((e: { field: string }) => e.field)).toEqual([
      'keys.0',
      'customer.country',
      'customer.adminEmail',
    ]);
    expect(bad.data!.redeemProductKeys.errors[0].code).toBe('INVALID_PRODUCT_KEY');
  });

  it('concurrent retries with one idempotency key create one account and answer the same', async () => {
    const [key] = await order(1);
    const customer = newCustomer();
    const idempotencyKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem([key!], customer, idempotencyKey)));
    const payloads = results.map((r) => r.data!.redeemProductKeys);
    for (const p of payloads) expect(p.errors).toEqual([]);
    expect(new Set(payloads.map((p) => p.redemption.id)).size).toBe(1);
    // Each answers the redemption as it stands (the flow runs meanwhile): never two customers.
    expect(new Set(payloads.flatMap((p) => (p.customer ? [p.customer.id] : []))).size).toBeLessThanOrEqual(1);
    expect(payloads.filter((p) => p.temporaryPassword !== null)).toHaveLength(1);
    expect(await settled(payloads[0].redemption.id)).toMatchObject({ status: 'COMPLETED', seats: 1, customer: { id: expect.any(String) } });
    const [{ customers }] = await stack.subgraphs.customer.db.query(
      `SELECT count(*)::int AS customers FROM customer WHERE company_name = $1`,
      [customer.companyName],
    );
    expect(customers).toBe(1);
  });

  it('the same key redeems once under 20 concurrent attempts', async () => {
    const [key] = await order(1, DEMO.offers.businessBasic);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem([key!], newCustomer({ companyName: `Race ${i} ${randomUUID().slice(0, 6)}` }))),
    );
    // Every attempt gets an answer: the winner, or PRODUCT_KEY_ALREADY_REDEEMED (an error here says which).
    expect(results.filter((r) => !r.data?.redeemProductKeys).map((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.redeemProductKeys);
    const succeeded = payloads.filter((p) => p.errors.length === 0);
    expect(succeeded).toHaveLength(1);
    const done = await settled(succeeded[0].redemption.id);
    expect(done.status).toBe('COMPLETED');
    for (const p of payloads.filter((p) => p.errors.length > 0))
      expect(p.errors.map((e: { code: string }) => e.code)).toEqual(['PRODUCT_KEY_ALREADY_REDEEMED']);
    const [{ count }] = await stack.subgraphs.subscription.db.query(
      `SELECT count(*)::int AS count FROM subscription WHERE customer_id = $1`,
      [done.customer.id],
    );
    expect(count).toBe(1);
    const [{ redemptions }] = await stack.subgraphs['licensing-key'].db.query(
      `SELECT count(*)::int AS redemptions FROM product_key_redemption WHERE $1 = ANY(key_ids)`,
      [succeeded[0].redemption.keys[0].id],
    );
    expect(redemptions).toBe(1);
  });

  it('a permanent refusal by the customer subgraph releases the keys (compensation)', async () => {
    const [k1, k2] = await order(2);
    const prefix = `pk${randomUUID().slice(0, 8)}`;
    const first = await redeem([k1!], newCustomer({ domainPrefix: prefix }));
    expect(first.data!.redeemProductKeys.errors).toEqual([]);
    expect((await settled(first.data!.redeemProductKeys.redemption.id)).status).toBe('COMPLETED');
    const second = await redeem([k2!], newCustomer({ domainPrefix: prefix }));
    expect(second.data!.redeemProductKeys).toMatchObject({ redemption: { status: 'PENDING' }, errors: [] });
    expect(await settled(second.data!.redeemProductKeys.redemption.id)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'DOMAIN_TAKEN' },
      customer: null,
    });
    const validated = await stack.graphql(VALIDATE, { keys: [k2] }, { as: AGENT });
    expect(validated.data!.validateProductKeys[0].status).toBe('VALID');
    const retried = await redeem([k2!], newCustomer());
    expect((await settled(retried.data!.redeemProductKeys.redemption.id)).status).toBe('COMPLETED');
  });

  it('a customer subgraph down midway: nothing is reported done, the keys stay reserved, and the flow resumes', async () => {
    const [key] = await order(1);
    await stack.subgraphs.customer.kill();
    let pending;
    try {
      pending = (await redeem([key!])).data!.redeemProductKeys;
    } finally {
      await stack.subgraphs.customer.restart();
    }
    expect(pending).toMatchObject({
      errors: [],
      customer: null,
      subscription: null,
      redemption: { status: 'PENDING', keys: [{ state: 'AVAILABLE' }] },
    });
    // Reserved: no one else can take the key meanwhile.
    const other = await redeem([key!]);
    expect(other.data!.redeemProductKeys.errors[0].code).toBe('PRODUCT_KEY_ALREADY_REDEEMED');

    const done = await settled(pending.redemption.id);
    expect(done).toMatchObject({ status: 'COMPLETED', customer: { id: expect.any(String) }, subscription: { id: expect.any(String) } });
    const list = await stack.graphql(LIST, { state: 'REDEEMED', first: 100 }, { as: AGENT });
    expect(list.data!.productKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(pending.redemption.keys[0].id);
    const customer = (await stack.graphql(CUSTOMER, { id: done.customer.id }, { as: AGENT })).data!.customer;
    expect(customer.subscriptions).toHaveLength(1);
  });
});

describe('renewal with a key', () => {
  async function redeemedSubscription(): Promise<{ subscriptionId: string; renewKey: string }> {
    const [first, renewKey] = await order(2);
    const { data } = await redeem([first!]);
    return { subscriptionId: (await settled(data!.redeemProductKeys.redemption.id)).subscription.id, renewKey: renewKey! };
  }

  it.each(['EXPIRED', 'DISABLED'])('an %s subscription becomes ACTIVE again', async (status) => {
    const { subscriptionId, renewKey } = await redeemedSubscription();
    await stack.subgraphs.subscription.db.query(`UPDATE subscription SET status = $2 WHERE id = $1`, [subscriptionId, status]);
    const { data } = await stack.graphql(RENEW, { subscriptionId, key: renewKey }, { as: AGENT });
    expect(data!.renewSubscriptionWithProductKey.errors).toEqual([]);
    expect((await settled(data!.renewSubscriptionWithProductKey.redemption.id)).status).toBe('COMPLETED');
    expect((await stack.graphql(SUBSCRIPTION, { id: subscriptionId }, { as: AGENT })).data!.subscription.status).toBe('ACTIVE');
  });

  it('a DELETED subscription cannot be renewed and the key stays available', async () => {
    const { subscriptionId, renewKey } = await redeemedSubscription();
    await stack.subgraphs.subscription.db.query(`UPDATE subscription SET status = 'DELETED' WHERE id = $1`, [subscriptionId]);
    const { data } = await stack.graphql(RENEW, { subscriptionId, key: renewKey }, { as: AGENT });
    expect(data!.renewSubscriptionWithProductKey.errors[0].code).toBe('INVALID_STATUS_TRANSITION');
    expect((await stack.graphql(VALIDATE, { keys: [renewKey] }, { as: AGENT })).data!.validateProductKeys[0].status).toBe('VALID');
  });

  it("another partner's subscription reads as not found; a key of another offer is refused", async () => {
    const [key] = await order(1);
    const fabrikams = await stack.graphql(RENEW, { subscriptionId: DEMO.subscriptions.alpineBusinessBasic, key }, { as: AGENT });
    expect(fabrikams.data!.renewSubscriptionWithProductKey.errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'subscriptionId' });
    const unknown = await stack.graphql(RENEW, { subscriptionId: randomUUID(), key }, { as: AGENT });
    expect(unknown.data!.renewSubscriptionWithProductKey.errors[0]).toEqual(fabrikams.data!.renewSubscriptionWithProductKey.errors[0]);
    const otherOffer = await stack.graphql(RENEW, { subscriptionId: DEMO.subscriptions.northwindE3Ending, key }, { as: AGENT });
    expect(otherOffer.data!.renewSubscriptionWithProductKey.errors[0].code).toBe('MIXED_OFFERS');
  });

  it('renews only a subscription the partner may manage: the direct purchase is refused and nothing changes', async () => {
    const [direct, resold] = await order(2, DEMO.offers.e3);
    const read = async (id: string) =>
      (await stack.graphql(`query($id: ID!) { subscription(id: $id) { endDate version status allowedActions } }`, { id }, { as: AGENT }))
        .data!.subscription;
    const before = await read(DEMO.subscriptions.adventureWorksDirectE3);
    expect(before.allowedActions).not.toContain('RENEW_WITH_PRODUCT_KEY');
    const refused = await stack.graphql(RENEW, { subscriptionId: DEMO.subscriptions.adventureWorksDirectE3, key: direct }, { as: AGENT });
    expect(refused.data!.renewSubscriptionWithProductKey).toMatchObject({
      redemption: null,
      errors: [{ code: 'SUBSCRIPTION_NOT_MANAGEABLE', field: 'subscriptionId' }],
    });
    expect(await read(DEMO.subscriptions.adventureWorksDirectE3)).toEqual(before);
    expect((await stack.graphql(VALIDATE, { keys: [direct] }, { as: AGENT })).data!.validateProductKeys[0].status).toBe('VALID');
    // The subscription subgraph holds the rule itself, whoever calls it.
    const extended = await stack.subgraphRequest(
      'subscription',
      `mutation($id: ID!) { extendSubscriptionTerm(subscriptionId: $id, months: 12, idempotencyKey: "direct-try") { subscriptionId errors { code } } }`,
      { issuer: 'licensing-key', viewer: await stack.viewerOf(AGENT), variables: { id: DEMO.subscriptions.adventureWorksDirectE3 } },
    );
    expect(extended.data?.extendSubscriptionTerm).toEqual({ subscriptionId: null, errors: [{ code: 'SUBSCRIPTION_NOT_MANAGEABLE' }] });
    expect(await read(DEMO.subscriptions.adventureWorksDirectE3)).toEqual(before);

    // Contoso's own reseller subscription of the same offer renews.
    const own = await read(DEMO.subscriptions.northwindE3Ending);
    expect(own.allowedActions).toContain('RENEW_WITH_PRODUCT_KEY');
    const renewed = await stack.graphql(RENEW, { subscriptionId: DEMO.subscriptions.northwindE3Ending, key: resold }, { as: AGENT });
    expect(renewed.data!.renewSubscriptionWithProductKey.errors).toEqual([]);
    expect((await settled(renewed.data!.renewSubscriptionWithProductKey.redemption.id)).status).toBe('COMPLETED');
    expect(new Date((await read(DEMO.subscriptions.northwindE3Ending)).endDate).getTime()).toBeGreaterThan(new Date(own.endDate).getTime());
  });
});
