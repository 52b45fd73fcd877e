import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from './stack.js';
import { offerServices } from '../subgraphs/offer/src/services.js';
import { ADMIN, AGENT, FABRIKAM } from './demo-users.js';

// The hardened edge, as a careless client and as an attacker see it through the gateway.
const INTERNAL = /127\.0\.0\.1|localhost|https?:\/\/|stacktrace|\.ts:\d+|SELECT |relation "|"response"|ECONN/i;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ subgraphTimeoutMs: 3_000, proxiedDatabase: 'customer' });
});
afterAll(async () => {
  await stack?.stop();
});

const post = async (body: string | undefined, init: { method?: string; headers?: Record<string, string>; query?: string } = {}) => {
  const url = stack.gatewayUrl + (init.query ? `?${init.query}` : '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (headers['content-type'] === '') delete headers['content-type'];
  const response = await fetch(url, { method: init.method ?? 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] },
  };
};
const stillAnswers = async () => {
  const healthy = await stack.graphql('{ me { email } }', {}, { as: AGENT });
  expect(healthy).toMatchObject({ status: 200, data: { me: { email: AGENT } } });
};

describe('argument mistakes are BAD_USER_INPUT naming the argument', () => {
  const connections: [field: string, extra: string][] = [
    ['customers', ''],
    ['auditRecords', ''],
    ['offers', ''],
    ['productKeys', ''],
    ['purchaseOffers', ''],
    ['trialInvitations', ''],
    ['renewalNotices', ''],
  ];
  for (const [field] of connections) {
    it(`${field}: first out of 1..100 and a foreign cursor`, async () => {
      for (const first of [0, -1, 101, 1000]) {
        const response = await stack.graphql(
          `query($first: Int) { ${field}(first: $first) { pageInfo { hasNextPage } } }`,
          { first },
          { as: ADMIN },
        );
        expect(response.errors?.[0]?.extensions, `${field}(first: ${first})`).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
        expect(response.errors?.[0]?.message).toMatch(/first/);
      }
      for (const after of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
        const response = await stack.graphql(
          `query($after: String) { ${field}(after: $after) { pageInfo { hasNextPage } } }`,
          { after },
          { as: ADMIN },
        );
        expect(response.errors?.[0]?.extensions, `${field}(after: ${after})`).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
      }
    });
  }

  it('a DateTime that is not one, as a literal or a variable, is refused before any subgraph runs', async () => {
    const literal = await stack.graphql('{ auditRecords(filter: { from: "garbage" }) { pageInfo { hasNextPage } } }', {}, { as: ADMIN });
    expect(literal.status).toBe(400);
    expect(literal.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter' });
    const variable = await stack.graphql(
      'query($f: AuditRecordFilter) { auditRecords(filter: $f) { pageInfo { hasNextPage } } }',
      { f: { from: '2025-13-45' } },
      { as: ADMIN },
    );
    expect(variable.status).toBe(400);
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const good = await stack.graphql(
      'query($f: AuditRecordFilter) { auditRecords(filter: $f) { pageInfo { hasNextPage } } }',
      { f: { from: '2025-01-01T00:00:00Z', to: '2030-01-01T00:00:00.000+01:00' } },
      { as: ADMIN },
    );
    expect(good.errors).toBeUndefined();
  });

  it('a literal of the wrong type names its argument', async () => {
    const response = await stack.graphql('{ customers(first: "ten") { pageInfo { hasNextPage } } }', {}, { as: ADMIN });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('other root arguments: too many product keys, a domain prefix that is too long', async () => {
    const keys = await stack.graphql(
      'query($k: [String!]!) { validateProductKeys(keys: $k) { status } }',
      { k: Array.from({ length: 1_000 }, () => 'BCDFG-HJKMP-QRTVW-XY234-6789B') },
      { as: ADMIN },
    );
    expect(keys.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'keys' });
    const domain = await stack.graphql('query($p: String!) { isDomainAvailable(prefix: $p) }', { p: 'x'.repeat(10_000) }, { as: ADMIN });
    expect(domain.status).toBeLessThan(500);
    expect(JSON.stringify(domain)).not.toMatch(/INTERNAL_SERVER_ERROR/);
  });

  it('filters: a malformed country, a customer id that is not one, a NUL character', async () => {
    const country = await stack.graphql('{ offers(country: "France") { pageInfo { hasNextPage } } }', {}, { as: ADMIN });
    expect(country.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'country' });
    const customer = await stack.graphql('{ auditRecords(filter: { customerId: "nope" }) { edges { cursor } } }', {}, { as: ADMIN });
    expect(customer.errors).toBeUndefined();
    expect(customer.data?.auditRecords.edges).toEqual([]);
    for (const [query, variables, argument] of [
      ['query($s: String) { customers(search: $s) { edges { cursor } } }', { s: 'a\u0000b' }, 'search'],
      ['{ customers(search: "a\\u0000") { edges { cursor } } }', {}, 'search'],
      ['query($f: AuditRecordFilter) { auditRecords(filter: $f) { edges { cursor } } }', { f: { resourceType: '\u0000' } }, 'filter'],
      [
        'mutation($i: CreatePartnerUserInput!) { createPartnerUser(input: $i) { errors { code } } }',
        { i: { displayName: 'x\u0000', email: 'a@b.example', companyRole: 'NONE', customerAccess: 'NONE' } },
        'input',
      ],
    ] as const) {
      const response = await stack.graphql(query, variables, { as: ADMIN });
      expect(response.status, query).toBe(400);
      expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
  });
});

describe('hostile documents get a 4xx, and the gateway answers normally after each', () => {
  const cases: [name: string, send: () => ReturnType<typeof post>, status: number, code: string][] = [
    ['a syntax error', () => post('{"query":"{"}'), 400, 'GRAPHQL_PARSE_FAILED'],
    ['malformed JSON', () => post('{"query":'), 400, 'BAD_REQUEST'],
    [
      'a 12 MB body',
      () => post(JSON.stringify({ query: '{ __typename }', variables: { x: 'a'.repeat(12_000_000) } })),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an alias bomb',
      () => post(JSON.stringify({ query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: partner { companyName }`).join(' ')} }` })),
      400,
      'QUERY_LIMIT_EXCEEDED',
    ],
    [
      'a directive bomb',
      () => post(JSON.stringify({ query: `{ __typename ${'@include(if: true) '.repeat(60)} }` })),
      400,
      'QUERY_LIMIT_EXCEEDED',
    ],
    ['a token bomb', () => post(JSON.stringify({ query: `{ ${'__typename '.repeat(6_000)} }` })), 400, 'QUERY_LIMIT_EXCEEDED'],
    [
      'a depth bomb',
      () => post(JSON.stringify({ query: `{ me { ${'partner { users { '.repeat(6)} id ${'} } '.repeat(6)} } }` })),
      400,
      'QUERY_LIMIT_EXCEEDED',
    ],
    [
      'a fragment bomb',
      () =>
        post(
          JSON.stringify({
            query: `query { ...F0 } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { a${i}: __typename ...F${i + 1} b${i}: __typename ...F${i + 1} }`).join(' ')} fragment F12 on Query { __typename }`,
          }),
        ),
      400,
      'QUERY_LIMIT_EXCEEDED',
    ],
    [
      'a fragment cycle',
      () => post(JSON.stringify({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' })),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['a batch', () => post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }])), 400, 'BAD_REQUEST'],
    [
      'a GET mutation',
      () =>
        post(undefined, {
          method: 'GET',
          query: `query=${encodeURIComponent('mutation { __typename }')}`,
          headers: { 'apollo-require-preflight': 'true' },
        }),
      405,
      'BAD_REQUEST',
    ],
    [
      'a simple cross-site GET (CSRF)',
      () => post(undefined, { method: 'GET', query: `query=${encodeURIComponent('{ __typename }')}`, headers: { 'content-type': '' } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a simple cross-site form POST (CSRF)',
      () => post('query=%7B__typename%7D', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      400,
      'BAD_REQUEST',
    ],
  ];
  for (const [name, send, status, code] of cases) {
    it(name, async () => {
      const response = await send();
      expect(response.status).toBe(status);
      if (code === 'BAD_REQUEST' && response.json.errors === undefined) expect(response.text).not.toMatch(INTERNAL);
      else expect(response.json.errors?.[0]?.extensions?.code).toBe(code);
      expect(response.text).not.toMatch(INTERNAL);
      await stillAnswers();
    });
  }
});

describe('nothing internal in an answer', () => {
  it('anonymous calls that need a viewer: UNAUTHENTICATED, once, at the top level', async () => {
    const me = await stack.graphql('{ me { email } }');
    expect(me).toEqual({
      status: 200,
      data: { me: null },
      errors: [{ message: 'Authentication required', path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const many = await stack.graphql('{ me { email } partner { companyName } customers { edges { node { id subscriptions { id } } } } }');
    expect(many.errors).toHaveLength(1);
    expect(many.errors![0]).toMatchObject({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a public acceptance asking for what needs a viewer: its own answer, and one UNAUTHENTICATED', async () => {
    const created = await stack.graphql(
      'mutation($o: ID!) { createTrialInvitation(offerId: $o) { trialInvitation { url } } }',
      { o: DEMO.offers.trialE3 },
      { as: AGENT },
    );
    const code = created.data!.createTrialInvitation.trialInvitation.url.split('/').pop();
    const customer = {
      companyName: 'Edge Prospect',
      country: 'FR',
      addressLine1: '1 rue de la Paix',
      city: 'Paris',
      postalCode: '75002',
      contactFirstName: 'Ana',
      contactLastName: 'Roy',
      contactEmail: 'ana@edge-prospect.example',
    };
    const accepted = await stack.graphql(
      'mutation($code: String!, $customer: AcceptingCustomerInput!) { acceptTrialInvitation(code: $code, customer: $customer) { acceptance { id status } errors { code } } }',
      { code, customer },
    );
    expect(accepted.data?.acceptTrialInvitation).toMatchObject({ errors: [], acceptance: { status: 'PENDING' } });
    const id = accepted.data!.acceptTrialInvitation.acceptance.id;
    // Its flow, run as its job would: the account exists, and the customer follows its acceptance.
    await offerServices(stack.subgraphs.offer.runtime).acceptances.resume(id);
    const response = await stack.graphql(
      'query($code: String!, $id: ID!) { offerAcceptance(code: $code, id: $id) { status customer { id subscriptions { id } users { id } } } }',
      { code, id },
    );
    expect(response.data?.offerAcceptance).toEqual({ status: 'COMPLETED', customer: null });
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toEqual({
      message: 'Authentication required',
      path: ['offerAcceptance'],
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(JSON.stringify(response)).not.toMatch(INTERNAL);
  });

  it('a subgraph refusing a call never shows its URL or raw body', async () => {
    const responses = [
      await stack.graphql('{ me { email } }'),
      await stack.graphql('{ customer(id: "x") { id } }'),
      await stack.graphql('query($id: ID!) { subscription(id: $id) { id } }', { id: DEMO.subscriptions.northwindBusinessStandard }),
      await stack.graphql('{ me { email } }', {}, { token: 'not.a.token' }),
    ];
    for (const response of responses) {
      expect(JSON.stringify(response)).not.toMatch(INTERNAL);
      for (const error of response.errors ?? []) expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
    }
  });
});

describe('the gateway-only fields', () => {
  const shapes = [
    '{ _service { sdl } }',
    '{ ... on Query { _service { sdl } } }',
    '{ ...Root } fragment Root on Query { _service { sdl } }',
    '{ ...Outer } fragment Outer on Query { ... on Query { ...Inner } } fragment Inner on Query { _service { sdl } }',
  ];
  for (const query of shapes) {
    it(`are refused to another service however they are reached: ${query}`, async () => {
      const response = await stack.subgraphRequest('customer', query, { issuer: 'offer' });
      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const gateway = await stack.subgraphRequest('customer', query, { issuer: 'router' });
      expect(gateway.errors).toBeUndefined();
    });
  }
});

describe('another partner’s ids answer exactly like unknown ids', () => {
  interface Case {
    name: string;
    query: string;
    variables: (id: string) => Record<string, unknown>;
    /** The caller and another partner's object (created by `foreign` when not in the demo data). */
    as: string;
    foreign: () => Promise<string>;
  }
  const demo = (id: string) => async () => id;
  const sub = DEMO.subscriptions.alpineBusinessBasic;
  const created = new Map<string, Promise<string>>();
  const once = (key: string, make: () => Promise<string>) => () => {
    if (!created.has(key)) created.set(key, make());
    return created.get(key)!;
  };
  const contoso = async (query: string, variables: Record<string, unknown>, pick: (data: any) => string) => {
    const response = await stack.graphql(query, variables, { as: ADMIN });
    expect(response.errors).toBeUndefined();
    return pick(response.data);
  };
  const serviceRequest = once('sr', () =>
    contoso(
      'mutation($c: ID!) { createServiceRequest(customerId: $c, input: { title: "t", description: "d", severity: MINIMAL }) { serviceRequest { id } } }',
      { c: DEMO.customers.northwind },
      (d) => d.createServiceRequest.serviceRequest.id,
    ),
  );
  const productKey = once('key', () =>
    contoso(
      'mutation($o: ID!) { orderProductKeys(offerId: $o, count: 1) { keys { productKey { id } } } }',
      { o: DEMO.offers.businessStandard },
      (d) => d.orderProductKeys.keys[0].productKey.id,
    ),
  );
  const relationship = once('dap', () => contoso('{ delegatedAdminRelationships { id } }', {}, (d) => d.delegatedAdminRelationships[0].id));
  const trial = once('trial', () =>
    contoso(
      'mutation($o: ID!) { createTrialInvitation(offerId: $o) { trialInvitation { id } } }',
      { o: DEMO.offers.trialE3 },
      (d) => d.createTrialInvitation.trialInvitation.id,
    ),
  );
  const purchase = once('purchase', () =>
    contoso(
      'mutation($o: ID!) { createPurchaseOffer(lines: [{ offerId: $o, quantity: 1 }]) { purchaseOffer { id } } }',
      { o: DEMO.offers.businessStandard },
      (d) => d.createPurchaseOffer.purchaseOffer.id,
    ),
  );
  const E = 'errors { code message field }';
  const cases: Case[] = [
    {
      name: 'customer',
      query: `query($id: ID!) { customer(id: $id) { id } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'subscription',
      query: `query($id: ID!) { subscription(id: $id) { id } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'delegatedAdminRelationships',
      query: `query($id: ID) { delegatedAdminRelationships(customerId: $id) { id } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'productKey',
      query: `query($id: ID!) { productKey(id: $id) { id } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: productKey,
    },
    {
      name: 'deleteCustomerUser',
      query: `mutation($id: ID!) { deleteCustomerUser(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customerAdmins.alpineSkiHouse),
    },
    {
      name: 'restoreCustomerUser',
      query: `mutation($id: ID!) { restoreCustomerUser(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customerAdmins.alpineSkiHouse),
    },
    {
      name: 'resetCustomerUserPassword',
      query: `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customerAdmins.alpineSkiHouse),
    },
    {
      name: 'createCustomerUser',
      query: `mutation($id: ID!) { createCustomerUser(customerId: $id, input: { firstName: "A", lastName: "B" }) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'createServiceRequest',
      query: `mutation($id: ID!) { createServiceRequest(customerId: $id, input: { title: "t", description: "d", severity: MINIMAL }) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'retryCustomerProvisioning',
      query: `mutation($id: ID!) { retryCustomerProvisioning(customerId: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'sendDelegatedAdminOffer',
      query: `mutation($id: ID!) { sendDelegatedAdminOffer(customerId: $id, access: FULL) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'addSubscription',
      query: `mutation($id: ID!, $o: ID!) { addSubscription(customerId: $id, offerId: $o, quantity: 1, dryRun: true) { ${E} } }`,
      variables: (id) => ({ id, o: DEMO.offers.businessBasic }),
      as: ADMIN,
      foreign: demo(DEMO.customers.alpineSkiHouse),
    },
    {
      name: 'changeSubscriptionQuantity',
      query: `mutation($id: ID!) { changeSubscriptionQuantity(id: $id, quantity: 2, dryRun: true) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'suspendSubscription',
      query: `mutation($id: ID!) { suspendSubscription(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'activateSubscription',
      query: `mutation($id: ID!) { activateSubscription(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'setSubscriptionAutoRenew',
      query: `mutation($id: ID!) { setSubscriptionAutoRenew(id: $id, enabled: false) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'renewSubscriptionWithDirectBilling',
      query: `mutation($id: ID!) { renewSubscriptionWithDirectBilling(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'renewSubscriptionWithProductKey',
      query: `mutation($id: ID!) { renewSubscriptionWithProductKey(subscriptionId: $id, key: "BCDFG-HJKMP-QRTVW-XY234-6789B") { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'assignLicence (subscription)',
      query: `mutation($id: ID!, $u: ID!) { assignLicence(subscriptionId: $id, userId: $u) { ${E} } }`,
      variables: (id) => ({ id, u: DEMO.customerAdmins.alpineSkiHouse }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'assignLicence (user)',
      query: `mutation($id: ID!, $s: ID!) { assignLicence(subscriptionId: $s, userId: $id) { ${E} } }`,
      variables: (id) => ({ id, s: DEMO.subscriptions.northwindBusinessStandard }),
      as: ADMIN,
      foreign: demo(DEMO.customerAdmins.alpineSkiHouse),
    },
    {
      name: 'unassignLicence',
      query: `mutation($id: ID!, $u: ID!) { unassignLicence(subscriptionId: $id, userId: $u) { ${E} } }`,
      variables: (id) => ({ id, u: DEMO.customerAdmins.alpineSkiHouse }),
      as: ADMIN,
      foreign: demo(sub),
    },
    {
      name: 'updatePartnerUser',
      query: `mutation($id: ID!) { updatePartnerUser(id: $id, input: { displayName: "X" }) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.users.fabrikamAdmin.id),
    },
    {
      name: 'deactivatePartnerUser',
      query: `mutation($id: ID!) { deactivatePartnerUser(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: ADMIN,
      foreign: demo(DEMO.users.fabrikamAdmin.id),
    },
    {
      name: 'addServiceRequestNote',
      query: `mutation($id: ID!) { addServiceRequestNote(id: $id, text: "n") { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: serviceRequest,
    },
    {
      name: 'closeServiceRequest',
      query: `mutation($id: ID!) { closeServiceRequest(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: serviceRequest,
    },
    {
      name: 'terminateDelegatedAdminRelationship',
      query: `mutation($id: ID!) { terminateDelegatedAdminRelationship(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: relationship,
    },
    {
      name: 'revokeProductKey',
      query: `mutation($id: ID!) { revokeProductKey(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: productKey,
    },
    {
      name: 'revokeTrialInvitation',
      query: `mutation($id: ID!) { revokeTrialInvitation(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: trial,
    },
    {
      name: 'revokePurchaseOffer',
      query: `mutation($id: ID!) { revokePurchaseOffer(id: $id) { ${E} } }`,
      variables: (id) => ({ id }),
      as: FABRIKAM,
      foreign: purchase,
    },
  ];
  const shape = (response: GraphQLResponse) => ({ status: response.status, data: response.data, errors: response.errors });

  for (const { name, query, variables, as, foreign } of cases) {
    it(name, async () => {
      const foreignAnswer = shape(await stack.graphql(query, variables(await foreign()), { as }));
      const unknownAnswer = shape(await stack.graphql(query, variables(randomUUID()), { as }));
      expect(foreignAnswer).toEqual(unknownAnswer);
      expect(JSON.stringify(foreignAnswer)).not.toMatch(INTERNAL);
    });
  }

  it('createPartnerUser with another partner’s user’s email creates the user (nothing to reveal)', async () => {
    const CREATE = `mutation($i: CreatePartnerUserInput!) { createPartnerUser(input: $i) { user { email } errors { code } } }`;
    const input = (email: string) => ({ i: { displayName: 'Same Name', email, companyRole: 'NONE', customerAccess: 'NONE' } });
    const other = await stack.graphql(CREATE, input(AGENT), { as: FABRIKAM });
    expect(other.data?.createPartnerUser).toEqual({ user: { email: AGENT }, errors: [] });
    const own = await stack.graphql(CREATE, input(FABRIKAM), { as: FABRIKAM });
    expect(own.data?.createPartnerUser).toEqual({ user: null, errors: [{ code: 'EMAIL_TAKEN' }] });
  });
});

describe('slow or dead parts cost only their fields', () => {
  it('a subgraph that accepts and never answers is SERVICE_UNAVAILABLE within the deadline, then recovers', async () => {
    const QUERY = `query($id: ID!) { me { email } subscription(id: $id) { id } }`;
    const variables = { id: DEMO.subscriptions.northwindBusinessStandard };
    const subscription = stack.subgraphs.subscription;
    const port = subscription.server!.port;
    await subscription.kill();
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const degraded = await stack.graphql(QUERY, variables, { as: AGENT });
      const elapsed = Date.now() - started;
      expect(degraded.data).toEqual({ me: { email: AGENT }, subscription: null });
      expect(degraded.errors).toEqual([
        {
          message: expect.stringMatching(/subscription service is unavailable/),
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'subscription' },
        },
      ]);
      expect(elapsed).toBeLessThan(3_000 + 2_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await subscription.restart();
    }
    await expect
      .poll(async () => (await stack.graphql(QUERY, variables, { as: AGENT })).data?.subscription?.id, { timeout: 10_000 })
      .toBe(variables.id);
  });

  it('without the partner directory a signed-in request is HTTP 503 SERVICE_UNAVAILABLE, never a 500', async () => {
    const token = await stack.tokenFor(DEMO.users.contosoHelpdesk.email);
    await stack.subgraphs.partner.kill();
    try {
      const response = await stack.graphql('{ offers(first: 1) { edges { cursor } } }', {}, { token });
      expect(response.status).toBe(503);
      expect(response.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'partner' });
      expect(JSON.stringify(response)).not.toMatch(INTERNAL);
    } finally {
      await stack.subgraphs.partner.restart();
    }
    await expect
      .poll(async () => (await stack.graphql('{ offers(first: 1) { edges { cursor } } }', {}, { token })).status, { timeout: 10_000 })
      .toBe(200);
  });

  it('a database that goes away is SERVICE_UNAVAILABLE, and the subgraph recovers by itself', async () => {
    const QUERY = `query($id: ID!) { me { email } customer(id: $id) { companyName } }`;
    const variables = { id: DEMO.customers.northwind };
    await stack.databaseProxy!.cut();
    try {
      const degraded = await stack.graphql(QUERY, variables, { as: AGENT });
      expect(degraded.data).toEqual({ me: { email: AGENT }, customer: null });
      expect(degraded.errors).toEqual([
        {
          message: expect.stringMatching(/customer service is unavailable/),
          path: ['customer'],
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'customer' },
        },
      ]);
    } finally {
      await stack.databaseProxy!.restore();
    }
    await expect
      .poll(async () => (await stack.graphql(QUERY, variables, { as: AGENT })).data?.customer?.companyName, { timeout: 15_000 })
      .toBeTruthy();
  });
});
