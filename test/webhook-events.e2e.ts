import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { DEMO, EVENT_TYPES } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';
import { customerServices } from '../subgraphs/customer/src/services.js';
import { SubscriptionLifecycle } from '../subgraphs/subscription/src/domain/lifecycle.js';
import { licensingKeyServices } from '../subgraphs/licensing-key/src/services.js';
import { ADMIN, AGENT } from './demo-users.js';
import { customerAdminSignIn } from './customer-admin.js';

interface Delivered {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

let stack: Stack;
let server: http.Server;
let url: string;
const raw: { headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  stack = await startStack({ workers: true });
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      raw.push({ headers: request.headers as Record<string, string>, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/partner-graph`;
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function ok(query: string, variables: Record<string, unknown>, as: string | null = AGENT) {
  const response = await stack.graphql(query, variables, { as });
  expect(response.errors).toBeUndefined();
  const payload = Object.values(response.data!)[0] as { errors?: unknown[] };
  expect(payload.errors ?? []).toEqual([]);
  return payload as Record<string, any>;
}

const codeOf = (link: string) => link.split('/').pop()!;
const prospect = (companyName: string) => ({
  companyName,
  country: 'FR',
  addressLine1: '1 place Bellecour',
  city: 'Lyon',
  postalCode: '69002',
  contactFirstName: 'Claire',
  contactLastName: 'Martin',
  contactEmail: `claire@${companyName.toLowerCase().replace(/[^a-z]/g, '')}.example`,
});

describe('every event type reaches a subscribed endpoint, signed', () => {
  it('each change the partner can subscribe to arrives once, verified with the endpoint secret', async () => {
    const created = await ok(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { signingSecret errors { code } } }`,
      {
        input: { url, eventTypes: [...EVENT_TYPES] },
      },
      ADMIN,
    );
    const secret = created.signingSecret as string;

    // Subscriptions: added, quantity, suspend / activate, licences.
    const added = await ok(
      `mutation($c: ID!, $o: ID!) { addSubscription(customerId: $c, offerId: $o, quantity: 5, idempotencyKey: "${randomUUID()}") { subscription { id } errors { code } } }`,
      {
        c: DEMO.customers.northwind,
        o: DEMO.offers.businessStandard,
      },
    );
    const subscriptionId = added.subscription.id as string;
    await ok(`mutation($id: ID!) { changeSubscriptionQuantity(id: $id, quantity: 6) { errors { code } } }`, { id: subscriptionId });
    await ok(`mutation($id: ID!) { suspendSubscription(id: $id) { errors { code } } }`, { id: subscriptionId });
    await ok(`mutation($id: ID!) { activateSubscription(id: $id) { errors { code } } }`, { id: subscriptionId });
    await ok(`mutation($id: ID!, $user: ID!) { assignLicence(subscriptionId: $id, userId: $user) { errors { code } } }`, {
      id: subscriptionId,
      user: DEMO.customerAdmins.northwind,
    });
    await ok(`mutation($id: ID!, $user: ID!) { unassignLicence(subscriptionId: $id, userId: $user) { errors { code } } }`, {
      id: subscriptionId,
      user: DEMO.customerAdmins.northwind,
    });

    // The weekly work: an upgrade, a trial converted, a cancellation, and a change at renewal
    // scheduled, removed and scheduled again (the renewal below applies it).
    const ADD = `mutation($c: ID!, $o: ID!, $q: Int!, $k: String!) { addSubscription(customerId: $c, offerId: $o, quantity: $q, idempotencyKey: $k) { subscription { id } errors { code } } }`;
    const basic = await ok(ADD, { c: DEMO.customers.northwind, o: DEMO.offers.businessBasic, q: 2, k: randomUUID() });
    const upgraded = await ok(
      `mutation($id: ID!, $o: ID!) { upgradeSubscription(id: $id, targetOfferId: $o) { subscription { id } errors { code } } }`,
      { id: basic.subscription.id, o: DEMO.offers.businessStandard },
    );
    const trialRun = await ok(ADD, { c: DEMO.customers.northwind, o: DEMO.offers.trialE3, q: 25, k: randomUUID() });
    await ok(`mutation($id: ID!) { convertTrialSubscription(id: $id) { errors { code } } }`, { id: trialRun.subscription.id });
    const mistake = await ok(ADD, { c: DEMO.customers.northwind, o: DEMO.offers.exchangePlan1, q: 1, k: randomUUID() });
    await ok(`mutation($id: ID!) { cancelSubscription(id: $id) { errors { code } } }`, { id: mistake.subscription.id });
    const SCHEDULE = `mutation($id: ID!) { scheduleSubscriptionChange(id: $id, quantity: 3) { errors { code } } }`;
    await ok(SCHEDULE, { id: upgraded.subscription.id });
    await ok(`mutation($id: ID!) { removeScheduledSubscriptionChange(id: $id) { errors { code } } }`, { id: upgraded.subscription.id });
    await ok(SCHEDULE, { id: upgraded.subscription.id });

    // Customers: one provisioned, one whose provisioning fails (the subscription service is down).
    const customerInput = (prefix: string) => ({
      ...prospect(`Hooked ${prefix}`),
      domainPrefix: `hooked${prefix}`,
      contactPhone: '+33 5 56 00 00 00',
      subscription: { offerId: DEMO.offers.businessBasic, quantity: 2 },
    });
    const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!, $key: String!) { createCustomer(input: $input, idempotencyKey: $key) { customer { id } errors { code } } }`;
    const provisioned = await ok(CREATE_CUSTOMER, { input: customerInput('ok'), key: randomUUID() });
    await expect.poll(() => types().includes('customer.provisioned'), { timeout: 30_000, interval: 100 }).toBe(true);
    await stack.subgraphs.subscription.kill();
    const failing = await ok(CREATE_CUSTOMER, { input: customerInput('ko'), key: randomUUID() });
    await expect.poll(() => types().includes('customer.provisioning_failed'), { timeout: 30_000, interval: 100 }).toBe(true);
    await stack.subgraphs.subscription.restart();

    // Delegated admin: accepted, terminated; and an offer left to expire (below).
    const SEND = `mutation($c: ID!) { sendDelegatedAdminOffer(customerId: $c, access: LIMITED) { relationship { id } code errors { code } } }`;
    const ACCEPT = `mutation($code: String!, $signIn: CustomerAdminSignInInput!) { acceptDelegatedAdminOffer(code: $code, signIn: $signIn) { errors { code } } }`;
    const accepted = await ok(SEND, { c: DEMO.customers.northwind });
    await ok(ACCEPT, { code: accepted.code, signIn: await customerAdminSignIn(stack, DEMO.customerAdmins.northwind) }, null);
    await ok(`mutation($id: ID!) { terminateDelegatedAdminRelationship(id: $id) { errors { code } } }`, { id: accepted.relationship.id });
    const left = await ok(SEND, { c: DEMO.customers.northwind });

    // Offers: a trial invitation and a purchase offer accepted with their codes.
    const trial = await ok(`mutation($o: ID!) { createTrialInvitation(offerId: $o) { trialInvitation { url } errors { code } } }`, {
      o: DEMO.offers.trialBusinessPremium,
    });
    await ok(
      `mutation($code: String!, $customer: AcceptingCustomerInput!) { acceptTrialInvitation(code: $code, customer: $customer) { errors { code } } }`,
      {
        code: codeOf(trial.trialInvitation.url),
        customer: prospect('Trial Tisanes'),
      },
      null,
    );
    const purchase = await ok(
      `mutation($lines: [PurchaseOfferLineInput!]!) { createPurchaseOffer(lines: $lines) { purchaseOffer { url } errors { code } } }`,
      {
        lines: [{ offerId: DEMO.offers.businessBasic, quantity: 3 }],
      },
    );
    await ok(
      `mutation($code: String!, $customer: AcceptingCustomerInput!) { acceptPurchaseOffer(code: $code, customer: $customer) { errors { code } } }`,
      {
        code: codeOf(purchase.purchaseOffer.url),
        customer: prospect('Purchase Pralines'),
      },
      null,
    );

    // Product keys: ordered, then redeemed for a new customer.
    const ordered = await ok(`mutation($o: ID!) { orderProductKeys(offerId: $o, count: 1) { keys { key } errors { code } } }`, {
      o: DEMO.offers.businessStandard,
    });
    const productKey = ordered.keys[0].key as string;
    const redemption = await ok(
      `mutation($keys: [String!]!, $customer: ProductKeyCustomerInput!, $k: String!) { redeemProductKeys(keys: $keys, customer: $customer, idempotencyKey: $k) { redemption { id } errors { code } } }`,
      {
        keys: [productKey],
        customer: {
          companyName: 'Keyed Kombucha',
          country: 'FR',
          adminFirstName: 'Claire',
          adminLastName: 'Martin',
          adminEmail: 'claire.martin@example.com',
        },
        k: randomUUID(),
      },
    );
    // The mutation answers at once; the flow completes in the background (driven here as its job does).
    const { redemptions } = licensingKeyServices(stack.subgraphs['licensing-key'].runtime);
    await expect
      .poll(async () => (await redemptions.resume(redemption.redemption.id)).status, { timeout: 30_000, interval: 200 })
      .toBe('COMPLETED');

    // Time passes: notices, renewals, expiry and the end of a subscription's life; the offer left pending expires.
    const lifecycle = new SubscriptionLifecycle(stack.subgraphs.subscription.db, stack.clock);
    await lifecycle.runLifecycle();
    for (let day = 0; day < 130; day += 10) {
      stack.clock.advanceDays(10);
      await lifecycle.runLifecycle();
    }
    await customerServices(stack.subgraphs.customer.runtime).delegatedAdmin.recordExpiries();

    await expect.poll(() => [...new Set(types())].sort(), { timeout: 30_000, interval: 100 }).toEqual([...EVENT_TYPES].sort());

    const events = verified(secret);
    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of events) expect(event.data.partnerId).toBe(DEMO.partners.contoso);
    expect(events.find((e) => e.type === 'customer.created' && e.data.objectId === provisioned.customer.id)).toBeTruthy();
    expect(events.find((e) => e.type === 'customer.provisioning_failed')?.data.objectId).toBe(failing.customer.id);
    expect(events.find((e) => e.type === 'delegated_admin.expired')?.data.objectId).toBe(left.relationship.id);
    expect(
      events.filter((e) => e.type === 'subscription.quantity_changed' && e.data.objectId === subscriptionId).map((e) => e.data.changes),
    ).toEqual([[{ field: 'quantity', from: '5', to: '6' }]]);
    const redeemed = events.find((e) => e.type === 'product_key.redeemed')!;
    expect(redeemed.data).toMatchObject({ keyCount: 1, usedFor: 'NEW_ACCOUNT' });

    // Nothing secret travels: no product key, one-time code, password or signing secret.
    const everything = raw.map((r) => r.body).join('\n');
    for (const secretValue of [
      productKey,
      accepted.code,
      left.code,
      codeOf(trial.trialInvitation.url),
      codeOf(purchase.purchaseOffer.url),
      secret,
    ]) {
      expect(everything).not.toContain(secretValue);
    }
    expect(everything).not.toMatch(/password|codeHash|terminationCode/i);
  });
});

function types(): string[] {
  return raw.map((r) => (JSON.parse(r.body) as { type: string }).type);
}

function verified(secret: string): Delivered[] {
  const webhook = new Webhook(secret);
  return raw.map(({ headers, body }) => {
    const payload = webhook.verify(body, headers) as { type: string; data: Record<string, unknown> };
    return { id: headers['webhook-id']!, type: payload.type, data: payload.data };
  });
}
