import { randomUUID, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, addDays, sha256 } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { customerServices } from '../../customer/src/services.js';
import { offerServices } from '../src/services.js';
import { AGENT, HELPDESK, FABRIKAM } from '../../../test/demo-users.js';

const CREATE_TRIAL = `mutation($offerId: ID!, $da: Boolean! = false) {
  createTrialInvitation(offerId: $offerId, includeDelegatedAdmin: $da) { trialInvitation { id url } errors { code } }
}`;
const CREATE_PURCHASE = `mutation($lines: [PurchaseOfferLineInput!]!, $da: Boolean! = false) {
  createPurchaseOffer(lines: $lines, includeDelegatedAdmin: $da) { purchaseOffer { id url } errors { code } }
}`;
const ACCEPTANCE_FIELDS =
  'id status customerId customer { id } adminUserName temporaryPassword delegatedAdminTerminationUrl provisioningState language failure { code message field } createdAt';
const ACCEPTANCE = `acceptance { ${ACCEPTANCE_FIELDS} } errors { code message field }`;
const PROGRESS = `query($code: String!, $id: ID!) { offerAcceptance(code: $code, id: $id) { ${ACCEPTANCE_FIELDS} } }`;
const ACCEPT_TRIAL = `mutation($code: String!, $customer: AcceptingCustomerInput!, $key: String) {
  acceptTrialInvitation(code: $code, customer: $customer, idempotencyKey: $key) { ${ACCEPTANCE} }
}`;
const ACCEPT_PURCHASE = `mutation($code: String!, $customer: AcceptingCustomerInput!, $quantities: [OfferQuantityInput!], $key: String) {
  acceptPurchaseOffer(code: $code, customer: $customer, quantities: $quantities, idempotencyKey: $key) { ${ACCEPTANCE} }
}`;
const CUSTOMER = `query($id: ID!) {
  customer(id: $id) {
    id companyName relationship hasAdminRights provisioningState
    delegatedAdminRelationships { status access }
    subscriptions { id quantity channel isTrial status startDate endDate autoRenew allowedActions offer { id } partnerOnRecord { id } }
  }
}`;
const SEARCH = `query($search: String) { customers(search: $search) { edges { node { id relationship } } } }`;
const COUNTS = `{ trialInvitations { edges { node { id acceptanceCount } } } purchaseOffers { edges { node { id acceptanceCount } } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const codeOf = (url: string) => url.split('/').pop()!;

function prospect(companyName: string, overrides: Record<string, unknown> = {}) {
  return {
    companyName,
    country: 'FR',
    addressLine1: '1 place Bellecour',
    city: 'Lyon',
    postalCode: '69002',
    contactFirstName: 'Claire',
    contactLastName: 'Martin',
    contactEmail: `claire@${companyName.toLowerCase().replace(/[^a-z]/g, '')}.example`,
    ...overrides,
  };
}

async function purchaseOffer(lines: { offerId: string; quantity: number }[], includeDelegatedAdmin = false) {
  const { data } = await stack.graphql(CREATE_PURCHASE, { lines, da: includeDelegatedAdmin }, { as: AGENT });
  expect(data?.createPurchaseOffer.errors).toEqual([]);
  return { id: data!.createPurchaseOffer.purchaseOffer.id as string, code: codeOf(data!.createPurchaseOffer.purchaseOffer.url) };
}

async function trialInvitation(includeDelegatedAdmin = false) {
  const { data } = await stack.graphql(
    CREATE_TRIAL,
    { offerId: DEMO.offers.trialBusinessPremium, da: includeDelegatedAdmin },
    { as: AGENT },
  );
  expect(data?.createTrialInvitation.errors).toEqual([]);
  return { id: data!.createTrialInvitation.trialInvitation.id as string, code: codeOf(data!.createTrialInvitation.trialInvitation.url) };
}

/** Runs the customer subgraph's provisioning step the job queue would run. */
const provision = (customerId: string) => customerServices(stack.subgraphs.customer.runtime).provisioner.provision(customerId);

/**
 * An acceptance's mutation answers at once; its flow runs in the background. Runs it (as its job
 * would, deterministically), then reads it as the customer's page does, by its link's code and id.
 */
async function settled(code: string, id: string) {
  await offerServices(stack.subgraphs.offer.runtime).acceptances.resume(id);
  const { data, errors } = await stack.graphql(PROGRESS, { code, id }, { as: null });
  expect(errors).toBeUndefined();
  return data!.offerAcceptance;
}

/** Accepts and follows the acceptance until its flow ended: the mutation's payload and the acceptance then. */
async function acceptAndSettle(
  mutation: string,
  field: 'acceptPurchaseOffer' | 'acceptTrialInvitation',
  variables: { code: string } & Record<string, unknown>,
  as: string | null = null,
) {
  const { data } = await stack.graphql(mutation, variables, { as });
  const payload = data![field];
  expect(payload.errors).toEqual([]);
  expect(payload.acceptance).toMatchObject({
    status: 'PENDING',
    customerId: null,
    customer: null,
    adminUserName: null,
    provisioningState: 'PROVISIONING',
    language: null,
    failure: null,
  });
  return { payload, acceptance: await settled(variables.code, payload.acceptance.id) };
}

/** Whether `password` is the one the customer subgraph stored (scrypt, as the platform's hashPassword). */
async function adminPasswordIs(customerId: string, password: string): Promise<boolean> {
  const [{ password_hash: stored }] = await stack.subgraphs.customer.db.query(
    `SELECT password_hash FROM customer_user WHERE customer_id = $1 AND is_admin`,
    [customerId],
  );
  const [, salt, hash] = (stored as string).split(':');
  return scryptSync(password, Buffer.from(salt!, 'base64url'), 32).toString('base64url') === hash;
}

async function acceptanceCount(kind: 'trialInvitations' | 'purchaseOffers', id: string): Promise<number> {
  const { data } = await stack.graphql(COUNTS, {}, { as: AGENT });
  return data![kind].edges.find((edge: { node: { id: string } }) => edge.node.id === id).node.acceptanceCount;
}

describe('accepting a purchase offer', () => {
  it('with its code and no token: the customer appears in Contoso’s customers with its subscriptions and an ACTIVE delegated-admin relationship', async () => {
    const offer = await purchaseOffer(
      [
        { offerId: DEMO.offers.businessPremium, quantity: 10 },
        { offerId: DEMO.offers.e3, quantity: 5 },
      ],
      true,
    );
    const key = randomUUID();
    const variables = {
      code: offer.code,
      customer: prospect('Lumière Studio', { domainPrefix: 'lumierestudio' }),
      quantities: [{ offerId: DEMO.offers.e3, quantity: 20 }],
      key,
    };
    // At once: PENDING, with the secrets shown this once; the account is made in the background.
    const { payload, acceptance } = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', variables);
    const { temporaryPassword, delegatedAdminTerminationUrl } = payload.acceptance;
    expect(temporaryPassword).toMatch(/.{12,}/);
    expect(delegatedAdminTerminationUrl).toMatch(/^https:\/\/partner-graph\.example\/accept\/delegated-admin\/end\/[A-Za-z0-9_-]{22,}$/);
    expect(acceptance).toMatchObject({
      id: payload.acceptance.id,
      status: 'COMPLETED',
      adminUserName: 'admin@lumierestudio.onmicrosoft.com',
      provisioningState: 'PROVISIONING',
      // The account's language, from its country: the customer's page speaks it from here on.
      language: 'fr',
      failure: null,
    });
    expect(acceptance).toMatchObject({ temporaryPassword: null, delegatedAdminTerminationUrl: null });
    expect(acceptance.customer).toEqual({ id: acceptance.customerId });
    const customerId = acceptance.customerId as string;
    // The administrator signs in with the password shown; the flow only ever held its hash, and the termination code's.
    expect(await adminPasswordIs(customerId, temporaryPassword)).toBe(true);
    const [flow] = await stack.subgraphs.offer.db.query(`SELECT state, input FROM flow WHERE id = $1`, [acceptance.id]);
    expect(flow.state).toBe('SUCCEEDED');
    expect(JSON.stringify(flow)).not.toContain(temporaryPassword);
    expect(JSON.stringify(flow)).not.toContain(codeOf(delegatedAdminTerminationUrl));
    expect(flow.input.delegatedAdminTerminationCodeHash).toBe(sha256(codeOf(delegatedAdminTerminationUrl)));

    // Until its subscriptions exist the customer is PROVISIONING, then ACTIVE.
    const before = await stack.graphql(`query($id: ID!) { customer(id: $id) { provisioningState } }`, { id: customerId }, { as: AGENT });
    expect(before.data?.customer.provisioningState).toBe('PROVISIONING');
    expect(await provision(customerId)).toBe('ACTIVE');

    const { data: seen } = await stack.graphql(CUSTOMER, { id: customerId }, { as: HELPDESK });
    expect(seen?.customer).toMatchObject({
      companyName: 'Lumière Studio',
      relationship: 'ADVISOR',
      hasAdminRights: true,
      provisioningState: 'ACTIVE',
      delegatedAdminRelationships: [{ status: 'ACTIVE', access: 'FULL' }],
    });
    const subscriptions = seen!.customer.subscriptions as {
      offer: { id: string };
      quantity: number;
      channel: string;
      isTrial: boolean;
      allowedActions: string[];
      partnerOnRecord: { id: string };
    }[];
    expect(subscriptions.map((s) => [s.offer.id, s.quantity, s.channel, s.isTrial]).sort()).toEqual(
      [
        [DEMO.offers.businessPremium, 10, 'ADVISOR', false],
        [DEMO.offers.e3, 20, 'ADVISOR', false],
      ].sort(),
    );
    const list = await stack.graphql(SEARCH, { search: 'lumière' }, { as: AGENT });
    expect(list.data?.customers.edges).toEqual([{ node: { id: customerId, relationship: 'ADVISOR' } }]);
    expect(await acceptanceCount('purchaseOffers', offer.id)).toBe(1);

    // The same request again: the first result, without the password, and no second customer.
    const again = await stack.graphql(ACCEPT_PURCHASE, variables, { as: null });
    expect(again.data?.acceptPurchaseOffer).toMatchObject({
      errors: [],
      acceptance: {
        id: acceptance.id,
        status: 'COMPLETED',
        customerId,
        temporaryPassword: null,
        delegatedAdminTerminationUrl: null,
        provisioningState: 'ACTIVE',
      },
    });
    expect(await acceptanceCount('purchaseOffers', offer.id)).toBe(1);
    const [{ count }] = await stack.subgraphs.customer.db.query(
      `SELECT count(*)::int AS count FROM customer WHERE company_name = 'Lumière Studio'`,
    );
    expect(count).toBe(1);
    // The same key for another request is refused.
    const reused = await stack.graphql(ACCEPT_PURCHASE, { ...variables, quantities: [] }, { as: null });
    expect(reused.data?.acceptPurchaseOffer.errors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' }),
    ]);

    // Fabrikam sees none of it.
    expect((await stack.graphql(CUSTOMER, { id: customerId }, { as: FABRIKAM })).data?.customer).toBeNull();
    expect((await stack.graphql(SEARCH, { search: 'lumière' }, { as: FABRIKAM })).data?.customers.edges).toEqual([]);
  });

  it('the acceptance says the language its account was made with, which follows the customer’s country', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 2 }]);
    const { acceptance } = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', {
      code: offer.code,
      customer: prospect('Thames Tiles', { country: 'GB', city: 'London', postalCode: 'SE1 9SG' }),
    });
    expect(acceptance).toMatchObject({ status: 'COMPLETED', language: 'en' });
    const { data } = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { language } }`,
      { id: acceptance.customerId },
      { as: AGENT },
    );
    expect(data?.customer.language).toBe(acceptance.language);
  });

  it('an acceptance is read only with the code of the link it was made through', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 2 }]);
    const other = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 2 }]);
    const trial = await trialInvitation();
    const { acceptance } = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', {
      code: offer.code,
      customer: prospect('Peek Proof'),
    });
    expect(acceptance.status).toBe('COMPLETED');
    for (const [code, id] of [
      [other.code, acceptance.id],
      [trial.code, acceptance.id],
      [offer.code, randomUUID()],
      [offer.code, 'not-an-id'],
      ['short', acceptance.id],
    ]) {
      const { data, errors } = await stack.graphql(PROGRESS, { code, id }, { as: null });
      expect(errors).toBeUndefined();
      expect(data?.offerAcceptance).toBeNull();
    }
  });

  it('the advisor’s subscriptions are view-only: no allowed action, changes fail SUBSCRIPTION_NOT_MANAGEABLE', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 3 }]);
    const { acceptance } = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', {
      code: offer.code,
      customer: prospect('Viewonly Vins'),
    });
    const customerId = acceptance.customerId;
    await provision(customerId);
    const { data: seen } = await stack.graphql(CUSTOMER, { id: customerId }, { as: AGENT });
    expect(seen?.customer).toMatchObject({ relationship: 'ADVISOR', hasAdminRights: false, delegatedAdminRelationships: [] });
    const [subscription] = seen!.customer.subscriptions;
    expect(subscription).toMatchObject({
      channel: 'ADVISOR',
      quantity: 3,
      allowedActions: [],
      partnerOnRecord: { id: DEMO.partners.contoso },
    });
    const change = await stack.graphql(
      `mutation($id: ID!) { changeSubscriptionQuantity(id: $id, quantity: 4) { errors { code } } }`,
      { id: subscription.id },
      { as: AGENT },
    );
    expect(change.data?.changeSubscriptionQuantity.errors).toEqual([{ code: 'SUBSCRIPTION_NOT_MANAGEABLE' }]);
    const renew = await stack.graphql(
      `mutation($id: ID!) { renewSubscriptionWithDirectBilling(id: $id) { errors { code } } }`,
      { id: subscription.id },
      { as: AGENT },
    );
    expect(renew.data?.renewSubscriptionWithDirectBilling.errors).toEqual([{ code: 'SUBSCRIPTION_NOT_MANAGEABLE' }]);
  });

  it('the code of a revoked offer fails REVOKED; an unknown code INVALID_CODE; neither says anything about the partner', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 3 }]);
    const revoked = await stack.graphql(
      `mutation($id: ID!) { revokePurchaseOffer(id: $id) { errors { code } } }`,
      { id: offer.id },
      { as: AGENT },
    );
    expect(revoked.data?.revokePurchaseOffer.errors).toEqual([]);
    const refused = await stack.graphql(ACCEPT_PURCHASE, { code: offer.code, customer: prospect('Too Late') }, { as: null });
    expect(refused.data?.acceptPurchaseOffer).toEqual({
      acceptance: null,
      errors: [{ code: 'REVOKED', message: 'This link has been withdrawn', field: 'code' }],
    });
    const unknown = await stack.graphql(ACCEPT_PURCHASE, { code: 'x'.repeat(43), customer: prospect('Guesser') }, { as: null });
    expect(unknown.data?.acceptPurchaseOffer).toEqual({
      acceptance: null,
      errors: [{ code: 'INVALID_CODE', message: 'This link is not valid', field: 'code' }],
    });
    const trial = await trialInvitation();
    await stack.graphql(`mutation($id: ID!) { revokeTrialInvitation(id: $id) { errors { code } } }`, { id: trial.id }, { as: AGENT });
    const trialRefused = await stack.graphql(ACCEPT_TRIAL, { code: trial.code, customer: prospect('Too Late Trial') }, { as: null });
    expect(trialRefused.data?.acceptTrialInvitation.errors).toEqual([expect.objectContaining({ code: 'REVOKED' })]);
    const rows = await stack.subgraphs.offer.db.query(
      `SELECT 1 FROM offer_acceptance WHERE purchase_offer_id = $1 OR trial_invitation_id = $2`,
      [offer.id, trial.id],
    );
    expect(rows).toEqual([]);
  });

  it('quantities outside an offer’s min/max fail QUANTITY_OUT_OF_RANGE on the line; offers not in it VALIDATION_FAILED', async () => {
    const offer = await purchaseOffer([
      { offerId: DEMO.offers.businessBasic, quantity: 3 },
      { offerId: DEMO.offers.exchangePlan1, quantity: 2 },
    ]);
    const customer = prospect('Range Rovers');
    const tooMany = await stack.graphql(
      ACCEPT_PURCHASE,
      {
        code: offer.code,
        customer,
        quantities: [
          { offerId: DEMO.offers.exchangePlan1, quantity: 1 },
          { offerId: DEMO.offers.businessBasic, quantity: 301 },
        ],
      },
      { as: null },
    );
    expect(tooMany.data?.acceptPurchaseOffer.errors).toEqual([
      expect.objectContaining({ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantities[1].quantity' }),
    ]);
    const zero = await stack.graphql(
      ACCEPT_PURCHASE,
      { code: offer.code, customer, quantities: [{ offerId: DEMO.offers.exchangePlan1, quantity: 0 }] },
      { as: null },
    );
    expect(zero.data?.acceptPurchaseOffer.errors).toEqual([
      expect.objectContaining({ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantities[0].quantity' }),
    ]);
    const stranger = await stack.graphql(
      ACCEPT_PURCHASE,
      { code: offer.code, customer, quantities: [{ offerId: DEMO.offers.e5, quantity: 1 }] },
      { as: null },
    );
    expect(stranger.data?.acceptPurchaseOffer.errors).toEqual([
      expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'quantities[0].offerId' }),
    ]);
    expect(await acceptanceCount('purchaseOffers', offer.id)).toBe(0);
    const [{ count }] = await stack.subgraphs.customer.db.query(
      `SELECT count(*)::int AS count FROM customer WHERE company_name = 'Range Rovers'`,
    );
    expect(count).toBe(0);
  });

  it('a customer in a country where a line is not sold fails COUNTRY_NOT_SUPPORTED; bad input lists every field', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.e5, quantity: 5 }]);
    const italian = await stack.graphql(
      ACCEPT_PURCHASE,
      { code: offer.code, customer: prospect('Pasta Presto', { country: 'IT', postalCode: '20121', city: 'Milano' }) },
      { as: null },
    );
    expect(italian.data?.acceptPurchaseOffer.errors).toEqual([
      expect.objectContaining({ code: 'COUNTRY_NOT_SUPPORTED', field: 'customer.country' }),
    ]);
    const sloppy = await stack.graphql(
      ACCEPT_PURCHASE,
      { code: offer.code, customer: prospect(' ', { contactEmail: 'nope', country: 'France' }) },
      { as: null },
    );
    expect(sloppy.data?.acceptPurchaseOffer.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'customer.companyName',
      'customer.contactEmail',
      'customer.country',
    ]);
  });

  it('a taken domain, refused after the mutation answered: FAILED with the reason on the field, nothing created or counted; another attempt with a new key succeeds', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 3 }]);
    const first = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', {
      code: offer.code,
      customer: prospect('Domain One', { domainPrefix: 'domainclash' }),
    });
    expect(first.acceptance.status).toBe('COMPLETED');
    const clashing = { code: offer.code, customer: prospect('Domain Two', { domainPrefix: 'domainclash' }), key: 'clash-1' };
    const clash = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', clashing);
    expect(clash.acceptance).toMatchObject({
      status: 'FAILED',
      customerId: null,
      customer: null,
      adminUserName: null,
      provisioningState: null,
      failure: { code: 'DOMAIN_TAKEN', message: 'domainclash.onmicrosoft.com is already taken', field: 'customer.domainPrefix' },
    });
    expect(await acceptanceCount('purchaseOffers', offer.id)).toBe(1);
    const [{ count }] = await stack.subgraphs.customer.db.query(
      `SELECT count(*)::int AS count FROM customer WHERE company_name = 'Domain Two'`,
    );
    expect(count).toBe(0);
    // Resumed again, it stays FAILED; the same request with the same key answers it as it ended.
    expect((await offerServices(stack.subgraphs.offer.runtime).acceptances.resume(clash.acceptance.id)).status).toBe('FAILED');
    const replay = await stack.graphql(ACCEPT_PURCHASE, clashing, { as: null });
    expect(replay.data?.acceptPurchaseOffer).toMatchObject({
      errors: [],
      acceptance: { id: clash.acceptance.id, status: 'FAILED', temporaryPassword: null, failure: { code: 'DOMAIN_TAKEN' } },
    });
    const fixed = await acceptAndSettle(ACCEPT_PURCHASE, 'acceptPurchaseOffer', {
      ...clashing,
      customer: prospect('Domain Two', { domainPrefix: 'domainclash2' }),
      key: 'clash-2',
    });
    expect(fixed.acceptance).toMatchObject({ status: 'COMPLETED', adminUserName: 'admin@domainclash2.onmicrosoft.com', failure: null });
    expect(await acceptanceCount('purchaseOffers', offer.id)).toBe(2);
  });
});

describe('accepting a trial invitation', () => {
  it('twice makes two customers, each with a 25-licence 30-day trial; acceptanceCount 2; Fabrikam sees none of it', async () => {
    const invitation = await trialInvitation();
    const ids: string[] = [];
    for (const name of ['Trial Tapas', 'Trial Tajine']) {
      const { acceptance } = await acceptAndSettle(ACCEPT_TRIAL, 'acceptTrialInvitation', {
        code: invitation.code,
        customer: prospect(name),
      });
      expect(acceptance).toMatchObject({ status: 'COMPLETED', provisioningState: 'PROVISIONING' });
      ids.push(acceptance.customerId);
    }
    expect(new Set(ids).size).toBe(2);
    expect(await acceptanceCount('trialInvitations', invitation.id)).toBe(2);
    for (const id of ids) expect(await provision(id)).toBe('ACTIVE');

    const { data } = await stack.graphql(CUSTOMER, { id: ids[0] }, { as: AGENT });
    expect(data?.customer).toMatchObject({
      relationship: 'ADVISOR',
      hasAdminRights: false,
      provisioningState: 'ACTIVE',
      delegatedAdminRelationships: [],
    });
    const [trial] = data!.customer.subscriptions;
    expect(trial).toMatchObject({
      offer: { id: DEMO.offers.trialBusinessPremium },
      quantity: 25,
      channel: 'ADVISOR',
      isTrial: true,
      autoRenew: false,
      allowedActions: [],
    });
    expect(new Date(trial.endDate).toISOString()).toBe(addDays(new Date(trial.startDate), 30).toISOString());

    for (const id of ids) expect((await stack.graphql(CUSTOMER, { id }, { as: FABRIKAM })).data?.customer).toBeNull();
    expect((await stack.graphql(SEARCH, { search: 'trial ta' }, { as: FABRIKAM })).data?.customers.edges).toEqual([]);
    expect((await stack.graphql(SEARCH, { search: 'trial ta' }, { as: AGENT })).data?.customers.edges).toHaveLength(2);
  });

  it('with delegated admin: an ACTIVE relationship; a partner user may accept too, the customer is still the inviting partner’s', async () => {
    const invitation = await trialInvitation(true);
    const { payload, acceptance } = await acceptAndSettle(
      ACCEPT_TRIAL,
      'acceptTrialInvitation',
      { code: invitation.code, customer: prospect('Delegated Delices'), key: 'k1' },
      FABRIKAM,
    );
    const customerId = acceptance.customerId;
    const { data: seen } = await stack.graphql(CUSTOMER, { id: customerId }, { as: AGENT });
    expect(seen?.customer).toMatchObject({
      relationship: 'ADVISOR',
      hasAdminRights: true,
      delegatedAdminRelationships: [{ status: 'ACTIVE', access: 'FULL' }],
    });
    expect((await stack.graphql(CUSTOMER, { id: customerId }, { as: FABRIKAM })).data?.customer).toBeNull();

    // The customer got, once, its own link to end the relationship, as with acceptDelegatedAdminOffer.
    const url: string = payload.acceptance.delegatedAdminTerminationUrl;
    expect(url).toMatch(/^https:\/\/partner-graph\.example\/accept\/delegated-admin\/end\/[A-Za-z0-9_-]{22,}$/);
    const replay = await stack.graphql(
      ACCEPT_TRIAL,
      { code: invitation.code, customer: prospect('Delegated Delices'), key: 'k1' },
      { as: FABRIKAM },
    );
    expect(replay.data?.acceptTrialInvitation.acceptance).toMatchObject({
      customerId,
      temporaryPassword: null,
      delegatedAdminTerminationUrl: null,
    });
    const END = `mutation($code: String!) { endDelegatedAdminRelationship(code: $code) { relationship { status } errors { code } } }`;
    expect((await stack.graphql(END, { code: codeOf(url) })).data?.endDelegatedAdminRelationship).toEqual({
      relationship: { status: 'TERMINATED' },
      errors: [],
    });
    expect((await stack.graphql(CUSTOMER, { id: customerId }, { as: AGENT })).data?.customer).toMatchObject({
      hasAdminRights: false,
      delegatedAdminRelationships: [{ status: 'TERMINATED' }],
    });
  });

  it('without delegated admin there is no termination link', async () => {
    const invitation = await trialInvitation(false);
    const { payload, acceptance } = await acceptAndSettle(ACCEPT_TRIAL, 'acceptTrialInvitation', {
      code: invitation.code,
      customer: prospect('Plain Patisserie'),
    });
    expect(payload.acceptance).toMatchObject({ temporaryPassword: expect.any(String), delegatedAdminTerminationUrl: null });
    expect(acceptance.status).toBe('COMPLETED');
    const [flow] = await stack.subgraphs.offer.db.query(`SELECT input FROM flow WHERE id = $1`, [acceptance.id]);
    expect(flow.input.delegatedAdminTerminationCodeHash).toBeNull();
  });
});

describe('what a link shows before it is accepted (unauthenticated, by code)', () => {
  const PREVIEW = `partner { companyName email phone website } includeDelegatedAdmin
    lines { offerId name quantity minQuantity maxQuantity unitPrice currency isTrial trialDays countries }`;
  const PURCHASE_PREVIEW = `query($code: String!) { purchaseOfferByCode(code: $code) { status ${PREVIEW} } }`;
  const TRIAL_PREVIEW = `query($code: String!) { trialInvitationByCode(code: $code) { status ${PREVIEW} } }`;

  it('a purchase offer: its lines with the suggested count, min/max and price, and the partner name and contact', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 7 }], true);
    const { data, errors } = await stack.graphql(PURCHASE_PREVIEW, { code: offer.code }, { as: null });
    expect(errors).toBeUndefined();
    expect(data?.purchaseOfferByCode).toMatchObject({
      status: 'ACTIVE',
      partner: { companyName: 'Contoso Cloud Partners', email: expect.stringContaining('@') },
      includeDelegatedAdmin: true,
      lines: [
        {
          offerId: DEMO.offers.businessBasic,
          quantity: 7,
          isTrial: false,
          minQuantity: expect.any(Number),
          maxQuantity: expect.any(Number),
          countries: expect.arrayContaining(['FR']),
        },
      ],
    });
    const [line] = data!.purchaseOfferByCode.lines;
    expect(line.minQuantity).toBeLessThanOrEqual(7);
    expect(line.maxQuantity).toBeGreaterThanOrEqual(7);
    expect(line.unitPrice).toBeGreaterThan(0);
  });

  it('each line’s description in the language asked for (the customer’s page’s), else in English', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 3 }]);
    const DESCRIBED = `query($code: String!, $language: String) {
      purchaseOfferByCode(code: $code) { lines { description(language: $language) } }
    }`;
    const described = async (language?: string) =>
      (await stack.graphql(DESCRIBED, { code: offer.code, language }, { as: null })).data?.purchaseOfferByCode.lines[0].description;
    expect(await described('fr')).toBe('Applications Office web et mobiles, messagerie Exchange, 1 To de stockage OneDrive et Teams.');
    expect(await described('fr-BE')).toBe(await described('fr'));
    expect(await described()).toBe('Web and mobile Office apps, Exchange email, 1 TB OneDrive storage and Teams.');
    expect(await described('it')).toBe(await described());
  });

  it('a trial invitation: the trial, fixed at 25 licences', async () => {
    const invitation = await trialInvitation();
    const { data } = await stack.graphql(TRIAL_PREVIEW, { code: invitation.code }, { as: null });
    expect(data?.trialInvitationByCode).toMatchObject({
      status: 'ACTIVE',
      includeDelegatedAdmin: false,
      lines: [{ offerId: DEMO.offers.trialBusinessPremium, quantity: 25, minQuantity: 25, maxQuantity: 25, unitPrice: 0, isTrial: true }],
    });
  });

  it('a revoked, unknown or other-kind code answers its status and nothing else', async () => {
    const offer = await purchaseOffer([{ offerId: DEMO.offers.businessBasic, quantity: 3 }]);
    const invitation = await trialInvitation();
    await stack.graphql(`mutation($id: ID!) { revokePurchaseOffer(id: $id) { errors { code } } }`, { id: offer.id }, { as: AGENT });
    const nothing = { partner: null, lines: [], includeDelegatedAdmin: false };
    const revoked = await stack.graphql(PURCHASE_PREVIEW, { code: offer.code }, { as: null });
    expect(revoked.data?.purchaseOfferByCode).toEqual({ status: 'REVOKED', ...nothing });
    for (const code of ['x'.repeat(43), 'short', invitation.code]) {
      const unknown = await stack.graphql(PURCHASE_PREVIEW, { code }, { as: null });
      expect(unknown.data?.purchaseOfferByCode).toEqual({ status: 'NOT_FOUND', ...nothing });
    }
    const trialByPurchaseCode = await stack.graphql(TRIAL_PREVIEW, { code: offer.code }, { as: null });
    expect(trialByPurchaseCode.data?.trialInvitationByCode).toEqual({ status: 'NOT_FOUND', ...nothing });
  });
});
