import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { customerServices } from '../subgraphs/customer/src/services.js';
import { licensingKeyServices } from '../subgraphs/licensing-key/src/services.js';
import { offerServices } from '../subgraphs/offer/src/services.js';
import { startStack, type Stack } from './stack.js';
import { AGENT } from './demo-users.js';

/**
 * Every flow that crosses subgraphs survives a participant going down between its
 * steps. A test stops the participant (`kill`), shows the clear state meanwhile, restarts it and
 * drives the asynchronous step the job queue would run (deterministically, by calling the
 * domain's resume / provision method), then checks there is exactly one of everything.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  // A failed test must not leave a subgraph down for the next one.
  for (const subgraph of Object.values(stack.subgraphs)) if (!subgraph.server) await subgraph.restart();
});
afterAll(async () => {
  await stack?.stop();
});

const provision = (customerId: string) => customerServices(stack.subgraphs.customer.runtime).provisioner.provision(customerId);
const acceptances = () => offerServices(stack.subgraphs.offer.runtime).acceptances;
const codeOf = (url: string) => url.split('/').pop()!;

const CUSTOMER_STATE = `query($id: ID!) { customer(id: $id) { id provisioningState provisioningError } }`;
const SUBSCRIPTIONS = `query($id: ID!) { customer(id: $id) { provisioningState subscriptions { id quantity channel offer { id } } } }`;
const PROVISION_SUBSCRIPTION = `mutation($input: ProvisionSubscriptionInput!, $idempotencyKey: String!) {
  provisionSubscription(input: $input, idempotencyKey: $idempotencyKey) { subscriptionId errors { code } }
}`;
const CREATE_CUSTOMER_ACCOUNT = `mutation($input: CustomerAccountInput!, $idempotencyKey: String!) {
  createCustomerAccount(input: $input, idempotencyKey: $idempotencyKey) { customerId errors { code } }
}`;
const ACCEPTANCE = 'acceptance { id status customerId adminUserName temporaryPassword provisioningState } errors { code field }';

async function subscriptionCount(customerId: string): Promise<number> {
  const [{ count }] = await stack.subgraphs.subscription.db.query(
    `SELECT count(*)::int AS count FROM subscription WHERE customer_id = $1`,
    [customerId],
  );
  return count;
}

async function customerCount(companyName: string): Promise<number> {
  const [{ count }] = await stack.subgraphs.customer.db.query(`SELECT count(*)::int AS count FROM customer WHERE company_name = $1`, [
    companyName,
  ]);
  return count;
}

/** With the subscription subgraph down, provisioning fails and the customer shows why (never ACTIVE). */
async function expectProvisioningToFail(customerId: string) {
  await expect(provision(customerId)).rejects.toThrow(/unavailable/);
  const failed = await stack.graphql(CUSTOMER_STATE, { id: customerId }, { as: AGENT });
  expect(failed.data?.customer).toMatchObject({
    provisioningState: 'FAILED',
    provisioningError: expect.stringMatching(/subscription service is unavailable/),
  });
}

/** While the subscription subgraph is down provisioning fails with a reason (never ACTIVE); after a restart it finishes with exactly the planned subscriptions. */
async function provisionAcrossSubscriptionOutage(customerId: string, expectedSubscriptions: number) {
  await stack.subgraphs.subscription.kill();
  await expectProvisioningToFail(customerId);
  await stack.subgraphs.subscription.restart();
  expect(await subscriptionCount(customerId)).toBe(0);
  expect(await provision(customerId)).toBe('ACTIVE');
  expect(await provision(customerId)).toBe('ACTIVE');
  expect(await subscriptionCount(customerId)).toBe(expectedSubscriptions);
  const { data } = await stack.graphql(SUBSCRIPTIONS, { id: customerId }, { as: AGENT });
  expect(data?.customer.provisioningState).toBe('ACTIVE');
  expect(data?.customer.subscriptions).toHaveLength(expectedSubscriptions);
}

describe('createCustomer with its first subscription', () => {
  const CREATE = `mutation($input: CreateCustomerInput!, $key: String!) {
    createCustomer(input: $input, idempotencyKey: $key) { customer { id provisioningState } credentials { userName temporaryPassword } errors { code } }
  }`;
  const input = {
    companyName: 'Crash Crêperie',
    domainPrefix: 'crashcreperie',
    country: 'FR',
    addressLine1: '4 rue de la Soif',
    city: 'Rennes',
    postalCode: '35000',
    contactFirstName: 'Yann',
    contactLastName: 'Le Goff',
    contactEmail: 'yann@creperie.example',
    contactPhone: '+33 2 99 00 00 00',
    subscription: { offerId: DEMO.offers.businessBasic, quantity: 6 },
  };

  it('subscription down: FAILED with a reason, never ACTIVE; after restart and retry ACTIVE with exactly one subscription, even if the first one was made before the crash', async () => {
    await stack.subgraphs.subscription.kill();
    const created = await stack.graphql(CREATE, { input, key: 'crash-create-1' }, { as: AGENT });
    expect(created.data?.createCustomer.errors).toEqual([]);
    const customerId = created.data!.createCustomer.customer.id as string;
    expect(created.data?.createCustomer.customer.provisioningState).toBe('PROVISIONING');
    expect(created.data?.createCustomer.credentials.temporaryPassword).toBeTruthy();

    await expectProvisioningToFail(customerId);
    await stack.subgraphs.subscription.restart();

    // The caller retries with the same key: the same customer, no password again, no second account.
    const retried = await stack.graphql(CREATE, { input, key: 'crash-create-1' }, { as: AGENT });
    expect(retried.data?.createCustomer).toMatchObject({
      errors: [],
      customer: { id: customerId },
      credentials: { temporaryPassword: null },
    });
    expect(await customerCount('Crash Crêperie')).toBe(1);

    const retry = await stack.graphql(
      `mutation($id: ID!) { retryCustomerProvisioning(customerId: $id) { customer { provisioningState } errors { code } } }`,
      { id: customerId },
      { as: AGENT },
    );
    expect(retry.data?.retryCustomerProvisioning).toEqual({ customer: { provisioningState: 'PROVISIONING' }, errors: [] });

    // A crash after the subscription subgraph made the subscription but before the customer
    // subgraph recorded it: the same step with the same idempotency key already happened.
    const [{ input: work }] = await stack.subgraphs.customer.db.query(`SELECT input FROM flow WHERE id = $1`, [customerId]);
    const planned = work.subscriptions[0];
    const early = await stack.subgraphRequest('subscription', PROVISION_SUBSCRIPTION, {
      issuer: 'customer',
      variables: {
        input: {
          customerId,
          partnerId: planned.partnerId,
          offerId: planned.offerId,
          quantity: planned.quantity,
          channel: planned.channel,
          termMonths: planned.termMonths,
          isTrial: planned.isTrial,
          assignLicenceToUserId: work.adminUserId,
        },
        idempotencyKey: `${customerId}:0`,
      },
    });
    expect(early.data?.provisionSubscription.errors).toEqual([]);

    expect(await provision(customerId)).toBe('ACTIVE');
    expect(await subscriptionCount(customerId)).toBe(1);
    const { data } = await stack.graphql(SUBSCRIPTIONS, { id: customerId }, { as: AGENT });
    expect(data?.customer).toMatchObject({
      provisioningState: 'ACTIVE',
      subscriptions: [{ id: early.data?.provisionSubscription.subscriptionId, quantity: 6, channel: 'RESELLER' }],
    });
  });
});

describe('acceptPurchaseOffer', () => {
  const ACCEPT = `mutation($code: String!, $customer: AcceptingCustomerInput!, $key: String) {
    acceptPurchaseOffer(code: $code, customer: $customer, idempotencyKey: $key) { ${ACCEPTANCE} }
  }`;
  const customer = {
    companyName: 'Crash Cassoulet',
    country: 'FR',
    addressLine1: '2 place du Capitole',
    city: 'Toulouse',
    postalCode: '31000',
    contactFirstName: 'Paul',
    contactLastName: 'Sabatier',
    contactEmail: 'paul@cassoulet.example',
  };

  it('customer down: PENDING at once; the flow waits, then finishes exactly once, even after the account was made before a crash and under two concurrent runs', async () => {
    const created = await stack.graphql(
      `mutation($lines: [PurchaseOfferLineInput!]!) { createPurchaseOffer(lines: $lines, includeDelegatedAdmin: true) { purchaseOffer { id url } errors { code } } }`,
      {
        lines: [
          { offerId: DEMO.offers.businessStandard, quantity: 8 },
          { offerId: DEMO.offers.exchangePlan1, quantity: 2 },
        ],
      },
      { as: AGENT },
    );
    const offer = created.data!.createPurchaseOffer.purchaseOffer;

    // The mutation needs no other service: it answers at once, with the password, while the customer subgraph is down.
    await stack.subgraphs.customer.kill();
    const pending = await stack.graphql(ACCEPT, { code: codeOf(offer.url), customer, key: 'cassoulet-1' }, { as: null });
    expect(pending.data?.acceptPurchaseOffer).toMatchObject({
      errors: [],
      acceptance: {
        status: 'PENDING',
        customerId: null,
        adminUserName: null,
        temporaryPassword: expect.any(String),
        provisioningState: 'PROVISIONING',
      },
    });
    const acceptanceId = pending.data!.acceptPurchaseOffer.acceptance.id as string;
    // Still down: a run changes nothing and creates nothing; the sweep will find the flow.
    expect(await acceptances().resume(acceptanceId)).toMatchObject({ status: 'PENDING', customerId: null });
    const [waiting] = await stack.subgraphs.offer.db.query(`SELECT state, attempts, last_error, input FROM flow WHERE id = $1`, [
      acceptanceId,
    ]);
    expect(waiting).toMatchObject({ state: 'RUNNING', attempts: 1, last_error: expect.stringMatching(/unavailable/) });
    expect(await offerServices(stack.subgraphs.offer.runtime).flows.running(0)).toContain(acceptanceId);
    await stack.subgraphs.customer.restart();
    expect(await customerCount('Crash Cassoulet')).toBe(0);

    // A crash after the customer subgraph made the account but before the offer subgraph recorded it.
    const [row] = await stack.subgraphs.offer.db.query(`SELECT account_request FROM offer_acceptance WHERE id = $1`, [acceptanceId]);
    const early = await stack.subgraphRequest('customer', CREATE_CUSTOMER_ACCOUNT, {
      issuer: 'offer',
      variables: { input: { ...row.account_request, ...waiting.input }, idempotencyKey: `acceptance:${acceptanceId}` },
    });
    expect(early.data?.createCustomerAccount.errors).toEqual([]);
    const customerId = early.data!.createCustomerAccount.customerId as string;

    const runs = await Promise.all([acceptances().resume(acceptanceId), acceptances().resume(acceptanceId)]);
    for (const run of runs) expect(run).toMatchObject({ status: 'COMPLETED', customerId });
    expect(await acceptances().resume(acceptanceId)).toMatchObject({ status: 'COMPLETED', customerId });
    const retried = await stack.graphql(ACCEPT, { code: codeOf(offer.url), customer, key: 'cassoulet-1' }, { as: null });
    expect(retried.data?.acceptPurchaseOffer).toMatchObject({
      errors: [],
      acceptance: {
        id: acceptanceId,
        status: 'COMPLETED',
        customerId,
        adminUserName: 'admin@crashcassoulet.onmicrosoft.com',
        temporaryPassword: null,
      },
    });
    expect(await customerCount('Crash Cassoulet')).toBe(1);
    const counts = await stack.graphql(`{ purchaseOffers { edges { node { id acceptanceCount } } } }`, {}, { as: AGENT });
    expect(counts.data?.purchaseOffers.edges).toContainEqual({ node: { id: offer.id, acceptanceCount: 1 } });
    const [{ events }] = await stack.subgraphs.offer.db.query(
      `SELECT count(*)::int AS events FROM event_outbox WHERE type = 'purchase_offer.accepted' AND data->>'acceptanceId' = $1`,
      [acceptanceId],
    );
    expect(events).toBe(1);
    // The administrator's password is the one the mutation showed (the account holds its hash from the flow).
    const [{ password_hash: stored }] = await stack.subgraphs.customer.db.query(
      `SELECT password_hash FROM customer_user WHERE customer_id = $1 AND is_admin`,
      [customerId],
    );
    expect(stored).toBe(waiting.input.adminPasswordHash);

    await provisionAcrossSubscriptionOutage(customerId, 2);
    const { data } = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { relationship delegatedAdminRelationships { status } } }`,
      { id: customerId },
      { as: AGENT },
    );
    expect(data?.customer).toEqual({ relationship: 'ADVISOR', delegatedAdminRelationships: [{ status: 'ACTIVE' }] });
  });

  it('customer down: a retry with the same key answers the same acceptance, without the password again, and makes no second account', async () => {
    const created = await stack.graphql(
      `mutation($lines: [PurchaseOfferLineInput!]!) { createPurchaseOffer(lines: $lines) { purchaseOffer { url } errors { code } } }`,
      { lines: [{ offerId: DEMO.offers.businessBasic, quantity: 2 }] },
      { as: AGENT },
    );
    const code = codeOf(created.data!.createPurchaseOffer.purchaseOffer.url);
    const other = { ...customer, companyName: 'Crash Confit', contactEmail: 'paul@confit.example' };
    await stack.subgraphs.customer.kill();
    const pending = await stack.graphql(ACCEPT, { code, customer: other, key: 'confit-1' }, { as: null });
    expect(pending.data?.acceptPurchaseOffer.acceptance).toMatchObject({ status: 'PENDING', temporaryPassword: expect.any(String) });
    const acceptanceId = pending.data!.acceptPurchaseOffer.acceptance.id as string;
    const retriedWhileDown = await stack.graphql(ACCEPT, { code, customer: other, key: 'confit-1' }, { as: null });
    expect(retriedWhileDown.data?.acceptPurchaseOffer.acceptance).toMatchObject({
      id: acceptanceId,
      status: 'PENDING',
      temporaryPassword: null,
    });
    await stack.subgraphs.customer.restart();
    expect(await acceptances().resume(acceptanceId)).toMatchObject({ status: 'COMPLETED' });
    const again = await stack.graphql(ACCEPT, { code, customer: other, key: 'confit-1' }, { as: null });
    expect(again.data?.acceptPurchaseOffer.acceptance).toMatchObject({
      id: acceptanceId,
      status: 'COMPLETED',
      temporaryPassword: null,
      customerId: expect.any(String),
    });
    expect(await customerCount('Crash Confit')).toBe(1);
  });
});

describe('acceptTrialInvitation', () => {
  const ACCEPT = `mutation($code: String!, $customer: AcceptingCustomerInput!) {
    acceptTrialInvitation(code: $code, customer: $customer) { ${ACCEPTANCE} }
  }`;

  it('customer down: PENDING until resumed once; subscription down: FAILED with a reason; then ACTIVE with one trial subscription', async () => {
    const created = await stack.graphql(
      `mutation($offerId: ID!) { createTrialInvitation(offerId: $offerId) { trialInvitation { id url } errors { code } } }`,
      { offerId: DEMO.offers.trialE3 },
      { as: AGENT },
    );
    const invitation = created.data!.createTrialInvitation.trialInvitation;
    await stack.subgraphs.customer.kill();
    const pending = await stack.graphql(
      ACCEPT,
      {
        code: codeOf(invitation.url),
        customer: {
          companyName: 'Crash Choucroute',
          country: 'FR',
          addressLine1: '1 place Kléber',
          city: 'Strasbourg',
          postalCode: '67000',
          contactFirstName: 'Hans',
          contactLastName: 'Arp',
          contactEmail: 'hans@choucroute.example',
        },
      },
      { as: null },
    );
    expect(pending.data?.acceptTrialInvitation).toMatchObject({
      errors: [],
      acceptance: { status: 'PENDING', customerId: null, provisioningState: 'PROVISIONING' },
    });
    const acceptanceId = pending.data!.acceptTrialInvitation.acceptance.id as string;
    await stack.subgraphs.customer.restart();

    expect(await acceptances().resume(acceptanceId)).toMatchObject({ status: 'COMPLETED' });
    expect(await acceptances().resume(acceptanceId)).toMatchObject({ status: 'COMPLETED' });
    const [row] = await stack.subgraphs.offer.db.query(`SELECT status, customer_id FROM offer_acceptance WHERE id = $1`, [acceptanceId]);
    expect(row.status).toBe('COMPLETED');
    expect(await customerCount('Crash Choucroute')).toBe(1);
    const counts = await stack.graphql(`{ trialInvitations { edges { node { id acceptanceCount } } } }`, {}, { as: AGENT });
    expect(counts.data?.trialInvitations.edges).toContainEqual({ node: { id: invitation.id, acceptanceCount: 1 } });

    await provisionAcrossSubscriptionOutage(row.customer_id, 1);
    const { data } = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { subscriptions { quantity channel isTrial offer { id } } } }`,
      { id: row.customer_id },
      { as: AGENT },
    );
    expect(data?.customer.subscriptions).toEqual([{ quantity: 25, channel: 'ADVISOR', isTrial: true, offer: { id: DEMO.offers.trialE3 } }]);
  });
});

describe('redeemProductKeys', () => {
  const REDEEM = `mutation($keys: [String!]!, $customer: ProductKeyCustomerInput!, $key: String!) {
    redeemProductKeys(keys: $keys, customer: $customer, idempotencyKey: $key) {
      redemption { id status keys { state } } customer { id } subscription { id } temporaryPassword errors { code }
    }
  }`;
  const customer = {
    companyName: 'Crash Calissons',
    country: 'FR',
    adminFirstName: 'Aix',
    adminLastName: 'Provence',
    adminEmail: 'aix@calissons.example',
  };

  async function state(redemptionId: string) {
    const [redemption] = await stack.subgraphs['licensing-key'].db.query(
      `SELECT status, customer_id FROM product_key_redemption WHERE id = $1`,
      [redemptionId],
    );
    const keys: { state: string }[] = await stack.subgraphs['licensing-key'].db.query(
      `SELECT state FROM product_key WHERE redemption_id = $1`,
      [redemptionId],
    );
    return { status: redemption.status as string, customerId: redemption.customer_id as string | null, keys: keys.map((k) => k.state) };
  }

  it('customer, then subscription down: no key REDEEMED without its subscription; resumed, exactly one account and one subscription', async () => {
    const ordered = await stack.graphql(
      `mutation { orderProductKeys(offerId: "${DEMO.offers.businessStandard}", count: 2, seatsPerKey: 3) { keys { key } errors { code } } }`,
      {},
      { as: AGENT },
    );
    const keys = ordered.data!.orderProductKeys.keys.map((k: { key: string }) => k.key);
    const { redemptions } = licensingKeyServices(stack.subgraphs['licensing-key'].runtime);

    await stack.subgraphs.customer.kill();
    const pending = await stack.graphql(REDEEM, { keys, customer, key: 'calissons-1' }, { as: AGENT });
    expect(pending.data?.redeemProductKeys).toMatchObject({
      errors: [],
      customer: null,
      subscription: null,
      redemption: { status: 'PENDING', keys: [{ state: 'AVAILABLE' }, { state: 'AVAILABLE' }] },
    });
    const redemptionId = pending.data!.redeemProductKeys.redemption.id as string;
    await stack.subgraphs.customer.restart();

    // Step 2 (the account) done, the subscription subgraph down: the keys stay unredeemed.
    await stack.subgraphs.subscription.kill();
    await redemptions.resume(redemptionId);
    const accountMade = await state(redemptionId);
    expect(accountMade).toMatchObject({ status: 'ACCOUNT_CREATED', keys: ['AVAILABLE', 'AVAILABLE'] });
    const customerId = accountMade.customerId!;
    await expect(provision(customerId)).rejects.toThrow(/unavailable/);
    await redemptions.resume(redemptionId);
    expect(await state(redemptionId)).toMatchObject({ status: 'ACCOUNT_CREATED', keys: ['AVAILABLE', 'AVAILABLE'] });
    const failed = await stack.graphql(CUSTOMER_STATE, { id: customerId }, { as: AGENT });
    expect(failed.data?.customer).toMatchObject({ provisioningState: 'FAILED', provisioningError: expect.stringMatching(/unavailable/) });

    await stack.subgraphs.subscription.restart();
    expect(await provision(customerId)).toBe('ACTIVE');
    await redemptions.resume(redemptionId);
    expect(await state(redemptionId)).toEqual({ status: 'COMPLETED', customerId, keys: ['REDEEMED', 'REDEEMED'] });
    expect(await subscriptionCount(customerId)).toBe(1);
    expect(await customerCount('Crash Calissons')).toBe(1);

    const retried = await stack.graphql(REDEEM, { keys, customer, key: 'calissons-1' }, { as: AGENT });
    expect(retried.data?.redeemProductKeys).toMatchObject({
      errors: [],
      customer: { id: customerId },
      temporaryPassword: null,
      redemption: { id: redemptionId, status: 'COMPLETED' },
    });
    expect(await customerCount('Crash Calissons')).toBe(1);
    const { data } = await stack.graphql(SUBSCRIPTIONS, { id: customerId }, { as: AGENT });
    expect(data?.customer).toMatchObject({ provisioningState: 'ACTIVE', subscriptions: [{ quantity: 6, channel: 'PRODUCT_KEY' }] });
  });
});
