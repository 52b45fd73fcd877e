import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { LicenceAssignment, Subscription } from '../src/db/index.js';
import { AGENT } from '../../../test/demo-users.js';

const PROVISION = `mutation($input: ProvisionSubscriptionInput!, $key: String!) { provisionSubscription(input: $input, idempotencyKey: $key) { subscriptionId errors { code field } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ workers: true });
});
afterAll(async () => {
  await stack?.stop();
});

describe('provisionSubscription (internal contract for the customer subgraph)', () => {
  const input = {
    customerId: DEMO.customers.northwind,
    partnerId: DEMO.partners.contoso,
    offerId: DEMO.offers.e3,
    quantity: 3,
    channel: 'PRODUCT_KEY',
    assignLicenceToUserId: DEMO.customerAdmins.northwind,
  };

  it('is not part of the client API, and refuses the gateway-signed context', async () => {
    const viaGateway = await stack.graphql(PROVISION, { input, key: 'k' }, { as: AGENT });
    expect(viaGateway.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const asGateway = await stack.subgraphRequest('subscription', PROVISION, {
      issuer: 'router',
      viewer: await stack.viewerOf(AGENT),
      variables: { input, key: 'k' },
    });
    expect(asGateway.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("creates one subscription with the admin's licence, once per idempotency key", async () => {
    const key = randomUUID();
    const call = () =>
      stack.subgraphRequest('subscription', PROVISION, { issuer: 'licensing-key', viewer: { kind: 'system' }, variables: { input, key } });
    const [first, second] = await Promise.all([call(), call()]);
    expect(first.data!.provisionSubscription.errors).toEqual([]);
    expect(second.data!.provisionSubscription.subscriptionId).toBe(first.data!.provisionSubscription.subscriptionId);
    const id = first.data!.provisionSubscription.subscriptionId;
    const row = await stack.subgraphs.subscription.db.getRepository(Subscription).findOneByOrFail({ id });
    expect(row).toMatchObject({
      channel: 'PRODUCT_KEY',
      partnerId: DEMO.partners.contoso,
      quantity: 3,
      status: 'ACTIVE',
      termMonths: 12,
      autoRenew: false,
    });
    expect(await stack.subgraphs.subscription.db.getRepository(LicenceAssignment).findBy({ subscriptionId: id })).toMatchObject([
      { customerUserId: DEMO.customerAdmins.northwind },
    ]);
    // The same key for another request is refused.
    const reused = await stack.subgraphRequest('subscription', PROVISION, {
      issuer: 'licensing-key',
      viewer: { kind: 'system' },
      variables: { input: { ...input, quantity: 4 }, key },
    });
    expect(reused.data!.provisionSubscription.errors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' }]);
  });

  it("refuses an unrelated customer, an unavailable offer, a bad quantity and another customer's user", async () => {
    const refuse = async (changes: Record<string, unknown>) =>
      (
        await stack.subgraphRequest('subscription', PROVISION, {
          issuer: 'customer',
          viewer: { kind: 'system' },
          variables: { input: { ...input, ...changes }, key: randomUUID() },
        })
      ).data!.provisionSubscription.errors;
    expect(await refuse({ customerId: DEMO.customers.alpineSkiHouse })).toEqual([{ code: 'NOT_FOUND', field: 'customerId' }]);
    expect(
      await refuse({ partnerId: DEMO.partners.fabrikam, customerId: DEMO.customers.alpineSkiHouse, assignLicenceToUserId: null }),
    ).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    expect(await refuse({ quantity: 0 })).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect(await refuse({ assignLicenceToUserId: DEMO.customerAdmins.alpineSkiHouse })).toEqual([
      { code: 'NOT_FOUND', field: 'assignLicenceToUserId' },
    ]);
  });
});

describe('createCustomer wires its first subscription', () => {
  it("becomes ACTIVE only once the subscription exists, with the admin's licence", async () => {
    const prefix = `wired${randomUUID().slice(0, 8)}`;
    const created = await stack.graphql(
      `mutation($input: CreateCustomerInput!, $key: String!) { createCustomer(input: $input, idempotencyKey: $key) { customer { id provisioningState } errors { code field } } }`,
      {
        key: randomUUID(),
        input: {
          companyName: 'Wired Traders',
          domainPrefix: prefix,
          country: 'FR',
          addressLine1: '1 rue Test',
          city: 'Lyon',
          postalCode: '69001',
          contactFirstName: 'Wanda',
          contactLastName: 'Wired',
          contactEmail: 'wanda@wired.example',
          contactPhone: '+33 4 12 34 56 78',
          subscription: { offerId: DEMO.offers.businessStandard, quantity: 7 },
        },
      },
      { as: AGENT },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCustomer.errors).toEqual([]);
    const customerId = created.data!.createCustomer.customer.id;
    const read = async () =>
      (
        await stack.graphql(
          `query($id: ID!) { customer(id: $id) { provisioningState subscriptions { quantity channel status assignedLicences partnerOnRecord { id } } } }`,
          { id: customerId },
          { as: AGENT },
        )
      ).data!.customer;
    let activeWithoutItsSubscription = false;
    const customer = await vi.waitFor(
      async () => {
        const current = await read();
        if (current.provisioningState === 'ACTIVE' && current.subscriptions.length !== 1) activeWithoutItsSubscription = true;
        if (current.provisioningState === 'PROVISIONING') throw new Error('still PROVISIONING');
        return current;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(activeWithoutItsSubscription, 'never ACTIVE without its subscription').toBe(false);
    expect(customer).toMatchObject({
      provisioningState: 'ACTIVE',
      subscriptions: [
        { quantity: 7, channel: 'RESELLER', status: 'ACTIVE', assignedLicences: 1, partnerOnRecord: { id: DEMO.partners.contoso } },
      ],
    });
  });
});

describe('extendSubscriptionTerm and subscriptionIdsForCustomer (internal contract for the licensing-key subgraph)', () => {
  const EXTEND = `mutation($id: ID!, $months: Int!, $key: String!) { extendSubscriptionTerm(subscriptionId: $id, months: $months, idempotencyKey: $key) { subscriptionId status endDate errors { code field } } }`;

  it("lists a customer's subscriptions for a calling service only", async () => {
    const query = `query($c: ID!) { subscriptionIdsForCustomer(customerId: $c) }`;
    const ids = await stack.subgraphRequest('subscription', query, {
      issuer: 'licensing-key',
      viewer: { kind: 'system' },
      variables: { c: DEMO.customers.northwind },
    });
    expect(ids.data!.subscriptionIdsForCustomer).toEqual(
      expect.arrayContaining([DEMO.subscriptions.northwindBusinessStandard, DEMO.subscriptions.northwindE3Ending]),
    );
    const viaGateway = await stack.graphql(query, { c: DEMO.customers.northwind }, { as: AGENT });
    expect(viaGateway.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('moves the end date by the term once per key, and reactivates an expired subscription', async () => {
    const id = DEMO.subscriptions.northwindE3Ending;
    const before = await stack.subgraphs.subscription.db.getRepository(Subscription).findOneByOrFail({ id });
    await stack.subgraphs.subscription.db
      .getRepository(Subscription)
      .update({ id }, { status: 'EXPIRED', endDate: new Date(stack.clock.now().getTime() - 86_400_000) });
    const viewer = await stack.viewerOf(AGENT);
    const key = randomUUID();
    const call = () =>
      stack.subgraphRequest('subscription', EXTEND, { issuer: 'licensing-key', viewer, variables: { id, months: 12, key } });
    const first = await call();
    expect(first.data!.extendSubscriptionTerm).toMatchObject({ subscriptionId: id, status: 'ACTIVE', errors: [] });
    const again = await call();
    expect(again.data!.extendSubscriptionTerm.endDate).toBe(first.data!.extendSubscriptionTerm.endDate);
    const after = await stack.subgraphs.subscription.db.getRepository(Subscription).findOneByOrFail({ id });
    expect(after.version).toBe(before.version + 1);
    expect(new Date(first.data!.extendSubscriptionTerm.endDate).getTime()).toBeGreaterThan(stack.clock.now().getTime() + 360 * 86_400_000);
  });

  it('refuses a DELETED subscription and another partner', async () => {
    const id = DEMO.subscriptions.northwindBusinessStandard;
    const fabrikam = await stack.viewerOf(DEMO.users.fabrikamAdmin.email);
    const foreign = await stack.subgraphRequest('subscription', EXTEND, {
      issuer: 'licensing-key',
      viewer: fabrikam,
      variables: { id, months: 12, key: randomUUID() },
    });
    expect(foreign.data!.extendSubscriptionTerm.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    await stack.subgraphs.subscription.db.getRepository(Subscription).update({ id }, { status: 'DELETED' });
    const deleted = await stack.subgraphRequest('subscription', EXTEND, {
      issuer: 'licensing-key',
      viewer: await stack.viewerOf(AGENT),
      variables: { id, months: 12, key: randomUUID() },
    });
    expect(deleted.data!.extendSubscriptionTerm.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
  });
});
