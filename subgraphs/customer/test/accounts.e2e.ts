import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, generateCode, hashPassword, sha256 } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { services } from './helpers.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';
import { customerAdminSignIn, type CustomerAdminSignIn } from '../../../test/customer-admin.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE = `mutation($input: CreateCustomerInput!, $key: String!, $dryRun: Boolean) {
  createCustomer(input: $input, idempotencyKey: $key, dryRun: $dryRun) {
    dryRun
    customer { id companyName defaultDomain relationship provisioningState tenantId country language culture
      address { line1 city postalCode country } primaryContact { firstName lastName email phone }
      users { userName isAdmin } }
    credentials { userName temporaryPassword }
    preview { companyName defaultDomain adminUserName relationship subscription { offerId offerName quantity term } }
    errors { code field }
  }
}`;
const STATE = `query($id: ID!) { customer(id: $id) { id provisioningState provisioningError tenantId } }`;

const input = (prefix: string, overrides: Record<string, unknown> = {}) => ({
  companyName: `Company ${prefix}`,
  domainPrefix: prefix,
  country: 'FR',
  addressLine1: '1 place de la Bourse',
  city: 'Bordeaux',
  postalCode: '33000',
  contactFirstName: 'Jeanne',
  contactLastName: 'Moreau',
  contactEmail: 'jeanne.moreau@example.com',
  contactPhone: '+33 5 56 00 00 00',
  subscription: { offerId: DEMO.offers.businessStandard, quantity: 10 },
  ...overrides,
});

const customerCount = async () => Number((await stack.subgraphs.customer.db.query('SELECT count(*) AS n FROM customer'))[0].n);

describe('createCustomer', () => {
  it('agent@ creates a PROVISIONING reseller customer and gets the admin credentials once; the same key replays', async () => {
    const first = await stack.graphql(CREATE, { input: input('lumiere'), key: 'create-lumiere' }, { as: AGENT });
    expect(first.errors).toBeUndefined();
    const created = first.data?.createCustomer;
    expect(created.errors).toEqual([]);
    expect(created.customer).toMatchObject({
      companyName: 'Company lumiere',
      defaultDomain: 'lumiere.onmicrosoft.com',
      relationship: 'RESELLER',
      provisioningState: 'PROVISIONING',
      tenantId: null,
      language: 'fr',
      culture: 'fr-FR',
      address: { line1: '1 place de la Bourse', city: 'Bordeaux', postalCode: '33000', country: 'FR' },
      users: [{ userName: 'admin@lumiere.onmicrosoft.com', isAdmin: true }],
    });
    expect(created.credentials.userName).toBe('admin@lumiere.onmicrosoft.com');
    expect(created.credentials.temporaryPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(created.preview.subscription).toMatchObject({ offerId: DEMO.offers.businessStandard, quantity: 10 });

    const count = await customerCount();
    const replay = await stack.graphql(CREATE, { input: input('lumiere'), key: 'create-lumiere' }, { as: AGENT });
    expect(replay.data?.createCustomer.errors).toEqual([]);
    expect(replay.data?.createCustomer.customer.id).toBe(created.customer.id);
    expect(replay.data?.createCustomer.credentials).toEqual({ userName: 'admin@lumiere.onmicrosoft.com', temporaryPassword: null });
    expect(await customerCount()).toBe(count);

    const reused = await stack.graphql(CREATE, { input: input('lumiere2'), key: 'create-lumiere' }, { as: AGENT });
    expect(reused.data?.createCustomer.errors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' }]);
  });

  it('admin@ (GLOBAL_ADMIN, FULL) may create; Fabrikam creates its own, invisible to Contoso', async () => {
    const byAdmin = await stack.graphql(CREATE, { input: input('byadmin'), key: 'k-admin' }, { as: ADMIN });
    expect(byAdmin.data?.createCustomer.errors).toEqual([]);
    const byFabrikam = await stack.graphql(
      CREATE,
      {
        input: input('fabnew', { country: 'IT', postalCode: '20121', subscription: { offerId: DEMO.offers.businessBasic, quantity: 5 } }),
        key: 'k-fab',
      },
      { as: FABRIKAM },
    );
    expect(byFabrikam.data?.createCustomer.errors).toEqual([]);
    const seen = await stack.graphql(STATE, { id: byFabrikam.data?.createCustomer.customer.id }, { as: AGENT });
    expect(seen.data?.customer).toBeNull();
  });

  it.each([
    [HELPDESK, 'LIMITED access'],
    [SALES, 'NONE access'],
  ])('%s (%s) cannot create a customer', async (email, _why) => {
    const count = await customerCount();
    const { errors } = await stack.graphql(CREATE, { input: input('refused'), key: 'k-refused' }, { as: email });
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await customerCount()).toBe(count);
  });

  it('dryRun validates and previews, creating nothing', async () => {
    const count = await customerCount();
    const { data } = await stack.graphql(CREATE, { input: input('preview'), key: 'k-preview', dryRun: true }, { as: AGENT });
    expect(data?.createCustomer).toMatchObject({
      dryRun: true,
      customer: null,
      credentials: null,
      errors: [],
      preview: {
        companyName: 'Company preview',
        defaultDomain: 'preview.onmicrosoft.com',
        adminUserName: 'admin@preview.onmicrosoft.com',
        relationship: 'RESELLER',
        subscription: { offerId: DEMO.offers.businessStandard, quantity: 10 },
      },
    });
    expect(await customerCount()).toBe(count);
    const available = await stack.graphql('{ isDomainAvailable(prefix: "preview") { available } }', {}, { as: AGENT });
    expect(available.data?.isDomainAvailable.available).toBe(true);
    // The key of a dry run is still free for the real submit.
    const real = await stack.graphql(CREATE, { input: input('preview'), key: 'k-preview' }, { as: AGENT });
    expect(real.data?.createCustomer.errors).toEqual([]);
    expect(real.data?.createCustomer.customer.defaultDomain).toBe('preview.onmicrosoft.com');
  });

  it('reports every invalid field at once', async () => {
    const bad = input('Bad Prefix!', {
      companyName: ' ',
      country: 'FRA',
      addressLine1: '',
      city: '',
      postalCode: '',
      contactFirstName: '',
      contactLastName: '',
      contactEmail: 'nope',
      contactPhone: 'x',
    });
    const { data } = await stack.graphql(CREATE, { input: bad, key: 'k-bad', dryRun: true }, { as: AGENT });
    expect(data?.createCustomer.errors.map((e: any) => e.field).sort()).toEqual(
      [
        'addressLine1',
        'city',
        'companyName',
        'contactEmail',
        'contactFirstName',
        'contactLastName',
        'contactPhone',
        'country',
        'domainPrefix',
        'postalCode',
      ].sort(),
    );
    const postal = await stack.graphql(
      CREATE,
      { input: input('postal', { postalCode: '7500' }), key: 'k-postal', dryRun: true },
      { as: AGENT },
    );
    expect(postal.data?.createCustomer.errors).toEqual([{ code: 'VALIDATION_FAILED', field: 'postalCode' }]);
  });

  it('refuses a taken domain with DOMAIN_TAKEN', async () => {
    const { data } = await stack.graphql(CREATE, { input: input('NorthwindTraders'), key: 'k-taken' }, { as: AGENT });
    expect(data?.createCustomer.errors).toEqual([{ code: 'DOMAIN_TAKEN', field: 'domainPrefix' }]);
  });

  it('validates the first subscription against the offer catalogue', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ subscription: { offerId: DEMO.offers.businessStandard, quantity: 301 } }, 'QUANTITY_OUT_OF_RANGE', 'subscription.quantity'],
      [{ subscription: { offerId: DEMO.offers.businessStandard, quantity: 0 } }, 'QUANTITY_OUT_OF_RANGE', 'subscription.quantity'],
      [{ subscription: { offerId: '6f1a0c3e-0000-4000-8002-999999999999', quantity: 1 } }, 'OFFER_NOT_AVAILABLE', 'subscription.offerId'],
      [{ subscription: { offerId: 'junk', quantity: 1 } }, 'OFFER_NOT_AVAILABLE', 'subscription.offerId'],
    ];
    for (const [overrides, code, field] of cases) {
      const { data } = await stack.graphql(CREATE, { input: input('offercheck', overrides), key: 'k-offer', dryRun: true }, { as: AGENT });
      expect(data?.createCustomer.errors).toContainEqual({ code, field });
    }
    // Fabrikam may sell only the Business offers.
    const fabrikam = await stack.graphql(
      CREATE,
      { input: input('fabe3', { subscription: { offerId: DEMO.offers.e3, quantity: 10 } }), key: 'k-fab-e3', dryRun: true },
      { as: FABRIKAM },
    );
    expect(fabrikam.data?.createCustomer.errors).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'subscription.offerId' }]);
  });
});

describe('provisioning', () => {
  it('provisions the tenant and the first subscription, then ACTIVE; a re-run changes nothing', async () => {
    const { data } = await stack.graphql(CREATE, { input: input('provisionme'), key: 'k-provision' }, { as: AGENT });
    const id = data?.createCustomer.customer.id;
    const { provisioner } = services(stack);
    expect(await provisioner.provision(id)).toBe('ACTIVE');
    const state = await stack.graphql(STATE, { id }, { as: AGENT });
    expect(state.data?.customer).toMatchObject({ provisioningState: 'ACTIVE', provisioningError: null });
    expect(state.data?.customer.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const subscriptions = await stack.subgraphs.subscription.db.query(
      'SELECT id, channel, partner_id, quantity FROM subscription WHERE customer_id = $1',
      [id],
    );
    expect(subscriptions).toEqual([expect.objectContaining({ channel: 'RESELLER', partner_id: DEMO.partners.contoso, quantity: 10 })]);

    // A crash after the subscription call but before its id was recorded: the re-run finishes without a duplicate.
    await stack.subgraphs.customer.db.query(`UPDATE flow SET steps = steps - '0', state = 'RUNNING', finished_at = NULL WHERE id = $1`, [
      id,
    ]);
    await stack.subgraphs.customer.db.query(`UPDATE customer SET provisioning_state = 'PROVISIONING' WHERE id = $1`, [id]);
    expect(await provisioner.provision(id)).toBe('ACTIVE');
    const after = await stack.subgraphs.subscription.db.query('SELECT id FROM subscription WHERE customer_id = $1', [id]);
    expect(after).toEqual([{ id: subscriptions[0].id }]);
    const tenant = await stack.graphql(STATE, { id }, { as: AGENT });
    expect(tenant.data?.customer.tenantId).toBe(state.data?.customer.tenantId);
  });

  it('goes FAILED with a reason when the subscription service is down; the partner retries to ACTIVE', async () => {
    const { data } = await stack.graphql(CREATE, { input: input('faileddown'), key: 'k-failed' }, { as: AGENT });
    const id = data?.createCustomer.customer.id;
    const { provisioner } = services(stack);
    await stack.subgraphs.subscription.kill();
    try {
      await expect(provisioner.provision(id)).rejects.toThrow(/unavailable/);
    } finally {
      await stack.subgraphs.subscription.restart();
    }
    const failed = await stack.graphql(STATE, { id }, { as: HELPDESK });
    expect(failed.data?.customer.provisioningState).toBe('FAILED');
    expect(failed.data?.customer.provisioningError).toMatch(/subscription service is unavailable/);

    const RETRY = `mutation($id: ID!) { retryCustomerProvisioning(customerId: $id) { customer { provisioningState provisioningError } errors { code } } }`;
    expect((await stack.graphql(RETRY, { id }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.graphql(RETRY, { id }, { as: FABRIKAM })).data?.retryCustomerProvisioning.errors).toEqual([{ code: 'NOT_FOUND' }]);
    const retried = await stack.graphql(RETRY, { id }, { as: AGENT });
    expect(retried.data?.retryCustomerProvisioning).toEqual({
      customer: { provisioningState: 'PROVISIONING', provisioningError: null },
      errors: [],
    });
    expect((await stack.graphql(RETRY, { id }, { as: AGENT })).data?.retryCustomerProvisioning.errors).toEqual([
      { code: 'INVALID_STATUS_TRANSITION' },
    ]);
    expect(await provisioner.provision(id)).toBe('ACTIVE');
    expect((await stack.graphql(STATE, { id }, { as: AGENT })).data?.customer.provisioningState).toBe('ACTIVE');
  });
});

const CREATE_ACCOUNT = `mutation($input: CustomerAccountInput!, $key: String!) {
  createCustomerAccount(input: $input, idempotencyKey: $key) { customerId adminUserId adminUserName temporaryPassword errors { code field } } }`;
const account = (companyName: string, overrides: Record<string, unknown> = {}) => ({
  partnerId: DEMO.partners.contoso,
  relationship: 'ADVISOR',
  companyName,
  country: 'FR',
  contactFirstName: 'Paul',
  contactLastName: 'Girard',
  contactEmail: 'paul@example.com',
  subscriptions: [{ offerId: DEMO.offers.businessBasic, quantity: 3, channel: 'DIRECT' }],
  ...overrides,
});

describe('createCustomerAccount (internal)', () => {
  it('creates an account with a derived domain, idempotently', async () => {
    const call = () =>
      stack.subgraphRequest('customer', CREATE_ACCOUNT, { issuer: 'offer', variables: { input: account('Café Élan'), key: 'acc-1' } });
    const first = await call();
    expect(first.errors).toBeUndefined();
    expect(first.data?.createCustomerAccount).toMatchObject({ adminUserName: 'admin@cafeelan.onmicrosoft.com', errors: [] });
    expect(first.data?.createCustomerAccount.temporaryPassword).toMatch(/^.{16}$/);
    const replay = await call();
    expect(replay.data?.createCustomerAccount).toMatchObject({
      customerId: first.data?.createCustomerAccount.customerId,
      temporaryPassword: null,
    });
    // Same company name, other key: a unique domain is derived.
    const other = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Café Élan'), key: 'acc-2' },
    });
    expect(other.data?.createCustomerAccount.adminUserName).toMatch(/^admin@cafeelan\d{4}\.onmicrosoft\.com$/);
  });

  it('is refused to clients (gateway-signed)', async () => {
    const response = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'router',
      variables: { input: account('Nope'), key: 'acc-x' },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an ADVISOR-only customer refuses user changes until a delegated-admin relationship is ACTIVE', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Advisor Only'), key: 'acc-advisor' },
    });
    const customerId = created.data?.createCustomerAccount.customerId;
    const CREATE_USER = `mutation($c: ID!) { createCustomerUser(customerId: $c, input: { firstName: "Ana", lastName: "Lopez" }) { user { id } errors { code } } }`;
    const readable = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { relationship hasAdminRights } }`,
      { id: customerId },
      { as: HELPDESK },
    );
    expect(readable.data?.customer).toEqual({ relationship: 'ADVISOR', hasAdminRights: false });
    const refused = await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT });
    expect(refused.data?.createCustomerUser.errors).toEqual([{ code: 'NO_ADMIN_RIGHTS' }]);
    const reset = await stack.graphql(
      `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { errors { code } } }`,
      { id: created.data?.createCustomerAccount.adminUserId },
      { as: AGENT },
    );
    expect(reset.data?.resetCustomerUserPassword.errors).toEqual([{ code: 'NO_ADMIN_RIGHTS' }]);

    const offer = await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT });
    expect((await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT })).data?.createCustomerUser.errors).toEqual([
      { code: 'NO_ADMIN_RIGHTS' },
    ]);
    expect((await accept(offer.data?.sendDelegatedAdminOffer.code, adminOf(created))).errors).toEqual([]);
    expect((await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT })).data?.createCustomerUser.errors).toEqual([]);

    await stack.graphql(TERMINATE, { id: offer.data?.sendDelegatedAdminOffer.relationship.id }, { as: AGENT });
    expect((await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT })).data?.createCustomerUser.errors).toEqual([
      { code: 'NO_ADMIN_RIGHTS' },
    ]);
  });

  it('includeDelegatedAdmin gives the partner admin rights at once', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('With Delegation', { includeDelegatedAdmin: true }), key: 'acc-dap' },
    });
    const access = await stack.subgraphRequest(
      'customer',
      `query($p: ID!, $ids: [ID!]!) { customerAccess(partnerId: $p, customerIds: $ids) { relationship hasAdminRights provisioningState } }`,
      {
        issuer: 'offer',
        variables: { p: DEMO.partners.contoso, ids: [created.data?.createCustomerAccount.customerId] },
      },
    );
    expect(access.data?.customerAccess).toEqual([{ relationship: 'ADVISOR', hasAdminRights: true, provisioningState: 'PROVISIONING' }]);
  });

  it('takes the secrets a flow made and showed, hashed: nothing is returned in clear, and the termination code whose hash it got ends the relationship', async () => {
    const CREATE_WITH_LINK = `mutation($input: CustomerAccountInput!, $key: String!) {
      createCustomerAccount(input: $input, idempotencyKey: $key) { customerId temporaryPassword delegatedAdminTerminationUrl errors { code field } } }`;
    const terminationCode = generateCode();
    const adminPasswordHash = await hashPassword('Handed0ffByAFlow');
    const created = await stack.subgraphRequest('customer', CREATE_WITH_LINK, {
      issuer: 'offer',
      variables: {
        input: account('Hashed Hand-off', {
          includeDelegatedAdmin: true,
          adminPasswordHash,
          delegatedAdminTerminationCodeHash: sha256(terminationCode),
        }),
        key: 'acc-hashed',
      },
    });
    expect(created.data?.createCustomerAccount).toMatchObject({
      customerId: expect.any(String),
      temporaryPassword: null,
      delegatedAdminTerminationUrl: null,
      errors: [],
    });
    const customerId = created.data?.createCustomerAccount.customerId;
    const [{ password_hash: stored }] = await stack.subgraphs.customer.db.query(
      `SELECT password_hash FROM customer_user WHERE customer_id = $1 AND is_admin`,
      [customerId],
    );
    expect(stored).toBe(adminPasswordHash);
    expect((await stack.graphql(END, { code: terminationCode })).data?.endDelegatedAdminRelationship).toMatchObject({
      relationship: { status: 'TERMINATED' },
      errors: [],
    });

    const malformed = await stack.subgraphRequest('customer', CREATE_WITH_LINK, {
      issuer: 'offer',
      variables: {
        input: account('Hashed Badly', { includeDelegatedAdmin: true, delegatedAdminTerminationCodeHash: terminationCode }),
        key: 'acc-hashed-badly',
      },
    });
    expect(malformed.data?.createCustomerAccount).toMatchObject({
      customerId: null,
      errors: [{ code: 'VALIDATION_FAILED', field: 'delegatedAdminTerminationCodeHash' }],
    });
  });
});

const SEND = `mutation($c: ID!, $access: DelegatedAdminAccess!, $key: String) { sendDelegatedAdminOffer(customerId: $c, access: $access, idempotencyKey: $key) {
  relationship { id status access expiresAt customer { id } } acceptanceUrl code errors { code } } }`;
const ACCEPT = `mutation($code: String!, $signIn: CustomerAdminSignInInput!) {
  acceptDelegatedAdminOffer(code: $code, signIn: $signIn) { relationship { relationshipId status access expiresAt } terminationUrl terminationCode errors { code } } }`;
/** The customer's administrator accepts, signed out unless `as` says who calls. */
const accept = async (code: string, signIn: CustomerAdminSignIn, as: string | null = null) =>
  (await stack.graphql(ACCEPT, { code, signIn }, { as })).data?.acceptDelegatedAdminOffer;
/** The first administrator of an account createCustomerAccount made, with the temporary password it answered once. */
const adminOf = (created: GraphQLResponse): CustomerAdminSignIn => ({
  userName: created.data?.createCustomerAccount.adminUserName,
  password: created.data?.createCustomerAccount.temporaryPassword,
});
const END = `mutation($code: String!) { endDelegatedAdminRelationship(code: $code) { relationship { relationshipId status access } errors { code field } } }`;
const TERMINATE = `mutation($id: ID!) { terminateDelegatedAdminRelationship(id: $id) { relationship { id status terminatedAt } errors { code } } }`;
const RELATIONSHIPS = `query($c: ID) { delegatedAdminRelationships(customerId: $c) { id status access } }`;

describe('delegated administration', () => {
  let northwindAdmin: CustomerAdminSignIn;
  beforeAll(async () => {
    northwindAdmin = await customerAdminSignIn(stack, DEMO.customerAdmins.northwind);
  });

  it('an offer goes PENDING → ACTIVE with its one-time code, which cannot be used twice', async () => {
    const sent = await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'LIMITED' }, { as: AGENT });
    const offer = sent.data?.sendDelegatedAdminOffer;
    expect(offer.errors).toEqual([]);
    expect(offer.relationship).toMatchObject({ status: 'PENDING', access: 'LIMITED', customer: { id: DEMO.customers.northwind } });
    expect(offer.acceptanceUrl).toBe(`https://partner-graph.example/accept/delegated-admin/${offer.code}`);
    expect(offer.code.length).toBeGreaterThanOrEqual(22);
    expect(new Date(offer.relationship.expiresAt).getTime() - stack.clock.now().getTime()).toBe(90 * 86_400_000);

    const accepted = await stack.graphql(ACCEPT, { code: offer.code, signIn: northwindAdmin });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptDelegatedAdminOffer.relationship).toMatchObject({
      relationshipId: offer.relationship.id,
      status: 'ACTIVE',
      access: 'LIMITED',
    });
    expect(new Date(accepted.data?.acceptDelegatedAdminOffer.relationship.expiresAt).getUTCFullYear()).toBe(
      stack.clock.now().getUTCFullYear() + 2,
    );
    expect(await accept(offer.code, northwindAdmin)).toEqual({
      relationship: null,
      terminationUrl: null,
      terminationCode: null,
      errors: [{ code: 'INVALID_CODE' }],
    });
    const listed = await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.northwind }, { as: HELPDESK });
    expect(listed.data?.delegatedAdminRelationships).toContainEqual({ id: offer.relationship.id, status: 'ACTIVE', access: 'LIMITED' });
  });

  it('its link shows the customer, unauthenticated, the access and the partner name and contact while PENDING, and nothing once used or unknown', async () => {
    const PREVIEW = `query($code: String!) { delegatedAdminOfferByCode(code: $code) { status access partner { companyName email phone website } } }`;
    const offer = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL' }, { as: ADMIN })).data?.sendDelegatedAdminOffer;
    const pending = await stack.graphql(PREVIEW, { code: offer.code }, { as: null });
    expect(pending.errors).toBeUndefined();
    expect(pending.data?.delegatedAdminOfferByCode).toMatchObject({
      status: 'PENDING',
      access: 'FULL',
      partner: { companyName: 'Contoso Cloud Partners', email: expect.stringContaining('@') },
    });
    await accept(offer.code, northwindAdmin);
    const nothing = { status: 'NOT_VALID', access: null, partner: null };
    for (const code of [offer.code, 'x'.repeat(43), '']) {
      expect((await stack.graphql(PREVIEW, { code }, { as: null })).data?.delegatedAdminOfferByCode).toEqual(nothing);
    }
  });

  it('an unknown code is INVALID_CODE', async () => {
    expect((await accept('x'.repeat(43), northwindAdmin)).errors).toEqual([{ code: 'INVALID_CODE' }]);
  });

  it('unaccepted offers expire after 90 days; relationships after 2 years', async () => {
    const pending = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL' }, { as: ADMIN })).data
      ?.sendDelegatedAdminOffer;
    const toAccept = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL' }, { as: ADMIN })).data
      ?.sendDelegatedAdminOffer;
    await accept(toAccept.code, northwindAdmin);
    stack.clock.advanceDays(91);
    try {
      expect((await accept(pending.code, northwindAdmin)).errors).toEqual([{ code: 'INVALID_CODE' }]);
      const listed = await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.northwind }, { as: AGENT });
      expect(listed.data?.delegatedAdminRelationships).toContainEqual({ id: pending.relationship.id, status: 'EXPIRED', access: 'FULL' });
      expect(listed.data?.delegatedAdminRelationships).toContainEqual({ id: toAccept.relationship.id, status: 'ACTIVE', access: 'FULL' });
      stack.clock.advanceDays(2 * 366);
      const later = await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.northwind }, { as: AGENT });
      expect(later.data?.delegatedAdminRelationships).toContainEqual({ id: toAccept.relationship.id, status: 'EXPIRED', access: 'FULL' });
      // Adventure Works' relationship expired too: Contoso has no admin rights there any more.
      const adventure = await stack.graphql(
        `query($id: ID!) { customer(id: $id) { hasAdminRights } }`,
        { id: DEMO.customers.adventureWorks },
        { as: AGENT },
      );
      expect(adventure.data?.customer.hasAdminRights).toBe(false);
      const terminate = await stack.graphql(TERMINATE, { id: toAccept.relationship.id }, { as: AGENT });
      expect(terminate.data?.terminateDelegatedAdminRelationship.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION' }]);
    } finally {
      stack.clock.advanceDays(-91 - 2 * 366);
    }
  });

  it('terminating ends the relationship (and a pending offer’s code)', async () => {
    const offer = (await stack.graphql(SEND, { c: DEMO.customers.adventureWorks, access: 'FULL' }, { as: AGENT })).data
      ?.sendDelegatedAdminOffer;
    const ended = await stack.graphql(TERMINATE, { id: offer.relationship.id }, { as: AGENT });
    expect(ended.data?.terminateDelegatedAdminRelationship.relationship.status).toBe('TERMINATED');
    expect((await accept(offer.code, northwindAdmin)).errors).toEqual([{ code: 'INVALID_CODE' }]);
  });

  it.each([
    [HELPDESK, 'LIMITED access'],
    [SALES, 'NONE access'],
    [FABRIKAM, 'no DELEGATED_ADMIN / CLOUD_ESSENTIALS program'],
  ])('%s (%s) cannot send an offer or end a relationship', async (email, _why) => {
    const sent = await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL' }, { as: email });
    expect(sent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.adventureWorks }, { as: ADMIN });
    const ended = await stack.graphql(TERMINATE, { id: listed.data?.delegatedAdminRelationships[0].id }, { as: email });
    expect(ended.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('Contoso gets NOT_FOUND for Fabrikam’s customer and Fabrikam sees none of Contoso’s relationships', async () => {
    const sent = await stack.graphql(SEND, { c: DEMO.customers.alpineSkiHouse, access: 'FULL' }, { as: AGENT });
    expect(sent.data?.sendDelegatedAdminOffer.errors).toEqual([{ code: 'NOT_FOUND' }]);
    const listed = await stack.graphql(RELATIONSHIPS, {}, { as: FABRIKAM });
    expect(listed.data?.delegatedAdminRelationships).toEqual([]);
    const ofContoso = await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.adventureWorks }, { as: FABRIKAM });
    expect(ofContoso.data?.delegatedAdminRelationships).toEqual([]);
  });

  it('a retry of sendDelegatedAdminOffer with the same idempotencyKey returns the same offer, without its code', async () => {
    const pendingCount = async () =>
      (await stack.graphql(RELATIONSHIPS, { c: DEMO.customers.northwind }, { as: AGENT })).data?.delegatedAdminRelationships.filter(
        (r: { status: string }) => r.status === 'PENDING',
      ).length;
    const before = await pendingCount();
    const first = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL', key: 'dap-retry' }, { as: AGENT })).data
      ?.sendDelegatedAdminOffer;
    expect(first.errors).toEqual([]);
    expect(first.code).toBeTruthy();
    const retry = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'FULL', key: 'dap-retry' }, { as: AGENT })).data
      ?.sendDelegatedAdminOffer;
    expect(retry).toMatchObject({
      errors: [],
      code: null,
      acceptanceUrl: null,
      relationship: { id: first.relationship.id, status: 'PENDING' },
    });
    expect(await pendingCount()).toBe(before + 1);
    // The same key for another request is refused; without a key each call is a new offer.
    const reused = (await stack.graphql(SEND, { c: DEMO.customers.northwind, access: 'LIMITED', key: 'dap-retry' }, { as: AGENT })).data
      ?.sendDelegatedAdminOffer;
    expect(reused.errors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED' }]);
    // The code still works once.
    expect((await accept(first.code, northwindAdmin)).errors).toEqual([]);
  });

  it('the customer ends a relationship from its own link, handed out once at acceptance', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Ends Itself'), key: 'acc-ends' },
    });
    const customerId = created.data?.createCustomerAccount.customerId;
    const offer = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    const accepted = await accept(offer.code, adminOf(created));
    expect(accepted.errors).toEqual([]);
    expect(accepted.terminationCode).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(accepted.terminationCode).not.toBe(offer.code);
    expect(accepted.terminationUrl).toBe(`https://partner-graph.example/accept/delegated-admin/end/${accepted.terminationCode}`);
    const rights = async () =>
      (await stack.graphql(`query($id: ID!) { customer(id: $id) { hasAdminRights adminAccess } }`, { id: customerId }, { as: AGENT })).data
        ?.customer;
    expect(await rights()).toEqual({ hasAdminRights: true, adminAccess: 'FULL' });

    // Neither the used acceptance code nor a made-up one ends anything.
    for (const code of [offer.code, 'x'.repeat(43), '']) {
      expect((await stack.graphql(END, { code })).data?.endDelegatedAdminRelationship).toEqual({
        relationship: null,
        errors: [{ code: 'INVALID_CODE', field: 'code' }],
      });
    }
    expect(await rights()).toEqual({ hasAdminRights: true, adminAccess: 'FULL' });

    const ended = await stack.graphql(END, { code: accepted.terminationCode });
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endDelegatedAdminRelationship).toEqual({
      relationship: { relationshipId: offer.relationship.id, status: 'TERMINATED', access: 'FULL' },
      errors: [],
    });
    expect(await rights()).toEqual({ hasAdminRights: false, adminAccess: null });
    expect((await stack.graphql(RELATIONSHIPS, { c: customerId }, { as: AGENT })).data?.delegatedAdminRelationships).toEqual([
      { id: offer.relationship.id, status: 'TERMINATED', access: 'FULL' },
    ]);
    const createUser = await stack.graphql(
      `mutation($c: ID!) { createCustomerUser(customerId: $c, input: { firstName: "Ana", lastName: "Lopez" }) { errors { code } } }`,
      { c: customerId },
      { as: AGENT },
    );
    expect(createUser.data?.createCustomerUser.errors).toEqual([{ code: 'NO_ADMIN_RIGHTS' }]);
    // The link works once.
    expect((await stack.graphql(END, { code: accepted.terminationCode })).data?.endDelegatedAdminRelationship.errors).toEqual([
      { code: 'INVALID_CODE', field: 'code' },
    ]);
    // The partner ending it first makes the customer's link void too.
    const second = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    const secondAccepted = await accept(second.code, adminOf(created));
    await stack.graphql(TERMINATE, { id: second.relationship.id }, { as: AGENT });
    expect((await stack.graphql(END, { code: secondAccepted.terminationCode })).data?.endDelegatedAdminRelationship.errors).toEqual([
      { code: 'INVALID_CODE', field: 'code' },
    ]);
  });

  it('only the customer’s own administrator accepts: the partner holding the code, the code alone or anyone else’s sign-in gets INVALID_CREDENTIALS, and the code still works', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Own Admin'), key: 'acc-own-admin' },
    });
    const customerId = created.data?.createCustomerAccount.customerId;
    const other = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Other Admin'), key: 'acc-other-admin' },
    });
    const offer = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    const CREATE_USER = `mutation($c: ID!) { createCustomerUser(customerId: $c, input: { firstName: "Ana", lastName: "Lopez" }) { errors { code } } }`;
    const RESET = `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { errors { code } } }`;
    const adminUserId = created.data?.createCustomerAccount.adminUserId;
    const refused = { relationship: null, terminationUrl: null, terminationCode: null, errors: [{ code: 'INVALID_CREDENTIALS' }] };

    // The partner with its code and its own token; the code alone; another customer's admin; the right admin with a wrong password.
    expect(await accept(offer.code, { userName: AGENT, password: 'anything' }, AGENT)).toEqual(refused);
    expect(await accept(offer.code, { userName: '', password: '' })).toEqual(refused);
    expect(await accept(offer.code, adminOf(other))).toEqual(refused);
    expect(await accept(offer.code, { ...adminOf(created), password: `${adminOf(created).password}x` })).toEqual(refused);
    // Still PENDING, and the partner has no admin rights yet.
    expect((await stack.graphql(RELATIONSHIPS, { c: customerId }, { as: AGENT })).data?.delegatedAdminRelationships).toEqual([
      { id: offer.relationship.id, status: 'PENDING', access: 'FULL' },
    ]);
    expect((await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT })).data?.createCustomerUser.errors).toEqual([
      { code: 'NO_ADMIN_RIGHTS' },
    ]);
    expect((await stack.graphql(RESET, { id: adminUserId }, { as: AGENT })).data?.resetCustomerUserPassword.errors).toEqual([
      { code: 'NO_ADMIN_RIGHTS' },
    ]);

    // The customer's admin, its user name in any case: accepted, with the termination link for it alone.
    const accepted = await accept(offer.code, { ...adminOf(created), userName: ` ${adminOf(created).userName.toUpperCase()}` });
    expect(accepted).toMatchObject({
      relationship: { relationshipId: offer.relationship.id, status: 'ACTIVE' },
      terminationUrl: expect.stringContaining(accepted.terminationCode),
      errors: [],
    });
    expect((await stack.graphql(CREATE_USER, { c: customerId }, { as: AGENT })).data?.createCustomerUser.errors).toEqual([]);
    expect((await stack.graphql(RESET, { id: adminUserId }, { as: AGENT })).data?.resetCustomerUserPassword.errors).toEqual([]);
    // Nothing the partner can read carries the termination code: its relationships, its audit trail, its events.
    const partnerSide = await stack.graphql(
      `query($c: ID!) { delegatedAdminRelationships(customerId: $c) { id status access createdAt acceptedAt expiresAt terminatedAt customer { id } }
      auditRecords(first: 50, filter: { customerId: $c }) { edges { node { operation oldValue newValue user { email } } } } }`,
      { c: customerId },
      { as: ADMIN },
    );
    expect(partnerSide.errors).toBeUndefined();
    expect(partnerSide.data?.auditRecords.edges).toContainEqual({
      node: expect.objectContaining({
        operation: 'acceptDelegatedAdminOffer',
        newValue: expect.objectContaining({ status: 'ACTIVE', acceptedBy: adminOf(created).userName }),
        user: null,
      }),
    });
    const events = await stack.subgraphs.customer.db.query(`SELECT data FROM event_outbox WHERE object_id = $1`, [offer.relationship.id]);
    for (const seen of [partnerSide.data, events]) expect(JSON.stringify(seen)).not.toContain(accepted.terminationCode);
  });

  it('wrong passwords, even in a burst: 5 failures per code and per user name in 15 minutes, then TOO_MANY_ATTEMPTS even for the right one, until they age out', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Throttled Admin'), key: 'acc-throttled' },
    });
    const customerId = created.data?.createCustomerAccount.customerId;
    const admin = adminOf(created);
    const first = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    const second = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    // A burst of 8 wrong guesses at once: they take turns, so exactly 5 are checked and the rest throttled.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, attempt) => accept(first.code, { ...admin, password: `wrong-${attempt}` })),
    );
    expect(burst.map((answer) => answer.errors[0].code).sort()).toEqual([
      ...Array(5).fill('INVALID_CREDENTIALS'),
      ...Array(3).fill('TOO_MANY_ATTEMPTS'),
    ]);
    const throttled = [{ code: 'TOO_MANY_ATTEMPTS' }];
    expect((await accept(first.code, admin)).errors).toEqual(throttled);
    // The user name is throttled on another code; the code for another user name (the failures are in the database, for every replica).
    expect((await accept(second.code, admin)).errors).toEqual(throttled);
    expect((await accept(first.code, northwindAdmin)).errors).toEqual(throttled);
    const [{ failures }] = await stack.subgraphs.customer.db.query(
      `SELECT count(*)::int AS failures FROM sign_in_failure WHERE subject = $1`,
      [`user:${admin.userName}`],
    );
    expect(failures).toBe(5);
    // Throttled attempts are not failures: 15 minutes after the last one the right admin accepts with the same code.
    stack.clock.advance(15 * 60_000 + 1000);
    try {
      expect(await accept(first.code, admin)).toMatchObject({
        relationship: { relationshipId: first.relationship.id, status: 'ACTIVE' },
        errors: [],
      });
      expect((await accept(second.code, admin)).errors).toEqual([]);
    } finally {
      stack.clock.advance(-(15 * 60_000 + 1000));
    }
  });

  it('a LIMITED relationship gives even a FULL agent only password resets of non-admins and service requests', async () => {
    const created = await stack.subgraphRequest('customer', CREATE_ACCOUNT, {
      issuer: 'offer',
      variables: { input: account('Limited Trust'), key: 'acc-limited' },
    });
    const { customerId, adminUserId } = created.data?.createCustomerAccount;
    // With a FULL relationship first, the agent adds an ordinary user; the customer then ends it.
    const full = (await stack.graphql(SEND, { c: customerId, access: 'FULL' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    const fullAccepted = await accept(full.code, adminOf(created));
    const CREATE_USER = `mutation($c: ID!, $first: String!) { createCustomerUser(customerId: $c, input: { firstName: $first, lastName: "Lopez" }) { user { id } errors { code } } }`;
    const ordinary = (await stack.graphql(CREATE_USER, { c: customerId, first: 'Ana' }, { as: AGENT })).data?.createCustomerUser;
    expect(ordinary.errors).toEqual([]);
    await stack.graphql(END, { code: fullAccepted.terminationCode });
    const limited = (await stack.graphql(SEND, { c: customerId, access: 'LIMITED' }, { as: AGENT })).data?.sendDelegatedAdminOffer;
    await accept(limited.code, adminOf(created));
    expect(
      (await stack.graphql(`query($id: ID!) { customer(id: $id) { hasAdminRights adminAccess } }`, { id: customerId }, { as: AGENT })).data
        ?.customer,
    ).toEqual({ hasAdminRights: true, adminAccess: 'LIMITED' });

    const RESET = `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { temporaryPassword errors { code } } }`;
    const users = async () =>
      (await stack.graphql(`query($id: ID!) { customer(id: $id) { users { id } } }`, { id: customerId }, { as: AGENT })).data?.customer
        .users.length;
    const count = await users();
    for (const who of [AGENT, ADMIN]) {
      expect(
        (await stack.graphql(CREATE_USER, { c: customerId, first: 'Refused' }, { as: who })).data?.createCustomerUser.errors,
        who,
      ).toEqual([{ code: 'NO_ADMIN_RIGHTS' }]);
      expect((await stack.graphql(RESET, { id: adminUserId }, { as: who })).data?.resetCustomerUserPassword, who).toEqual({
        temporaryPassword: null,
        errors: [{ code: 'NO_ADMIN_RIGHTS' }],
      });
      const deleted = await stack.graphql(
        `mutation($id: ID!) { deleteCustomerUser(id: $id) { errors { code } } }`,
        { id: ordinary.user.id },
        { as: who },
      );
      expect(deleted.data?.deleteCustomerUser.errors, who).toEqual([{ code: 'NO_ADMIN_RIGHTS' }]);
    }
    expect(await users()).toBe(count);
    // What a LIMITED relationship allows, to the FULL agent and to helpdesk alike.
    for (const who of [AGENT, HELPDESK]) {
      const reset = (await stack.graphql(RESET, { id: ordinary.user.id }, { as: who })).data?.resetCustomerUserPassword;
      expect(reset.errors, who).toEqual([]);
      expect(reset.temporaryPassword).toMatch(/^.{16}$/);
      const request = await stack.graphql(
        `mutation($c: ID!) { createServiceRequest(customerId: $c, input: { title: "MFA", description: "Enable MFA", severity: MINIMAL }) { errors { code } } }`,
        { c: customerId },
        { as: who },
      );
      expect(request.data?.createServiceRequest.errors, who).toEqual([]);
    }
    // Helpdesk stays refused an admin's password (its own access is LIMITED).
    expect((await stack.graphql(RESET, { id: adminUserId }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
