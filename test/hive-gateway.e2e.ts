import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGatewayRuntime, type GatewayConfigSupergraph } from '@graphql-hive/gateway';
import { DEMO, envPrefix, ROUTER_PROOF_EXTENSION, ROUTER_TOKEN_HEADER, signRouterProof, SUBGRAPHS } from '@partner-graph/platform';
import { ROUTER_SECRET, startStack, type GraphQLResponse, type Stack } from './stack.js';

// The federation behind Hive Gateway configured by its file alone (deploy/hive-gateway.config.ts),
// answering and refusing as it does behind our gateway.
const ROUTER_STATIC_TOKEN = 'a-static-router-credential-for-the-test-0123';
const ADMIN = DEMO.users.contosoAdmin.email;
const AGENT = DEMO.users.contosoAgent.email;
const SALES = DEMO.users.contosoSales.email;
const FABRIKAM = DEMO.users.fabrikamAdmin.email;

let stack: Stack;
let hive: http.Server;
let hiveUrl: string;
/** What Hive Gateway sent to each subgraph (URL and body), to replay it. */
const sent: { url: string; body: string }[] = [];

beforeAll(async () => {
  stack = await startStack({ routerStaticToken: ROUTER_STATIC_TOKEN });
  // The configuration file reads where the subgraphs are and the secret from the environment;
  // put back after the file (test files share a worker's process: a later `npm start` there would
  // otherwise inherit these URLs and look for its subgraphs at this stack's stopped ports).
  vi.stubEnv('ROUTER_SIGNING_SECRET', ROUTER_SECRET);
  for (const name of SUBGRAPHS) vi.stubEnv(`${envPrefix(name)}_URL`, stack.subgraphs[name].url);
  const { gatewayConfig } = await import('../deploy/hive-gateway.config.js');
  const runtime = createGatewayRuntime({
    ...(gatewayConfig as GatewayConfigSupergraph),
    logging: false,
    plugins: (context) => [
      ...(gatewayConfig.plugins?.(context) ?? []),
      {
        onFetch({ url, options }: { url: string; options: { body?: unknown } }) {
          if (typeof options.body === 'string') sent.push({ url, body: options.body });
        },
      },
    ],
  });
  hive = http.createServer((req, res) => void runtime(req, res));
  await new Promise<void>((resolve) => hive.listen(0, '127.0.0.1', resolve));
  hiveUrl = `http://127.0.0.1:${(hive.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => hive?.close(resolve));
  await stack?.stop();
});

async function viaHive(query: string, variables: Record<string, unknown> = {}, as?: string): Promise<GraphQLResponse> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (as) headers.authorization = `Bearer ${await stack.tokenFor(as)}`;
  const response = await fetch(hiveUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: GraphQLResponse['errors'] };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** The parts of an answer a client relies on: the data, and each error's code and path. */
const outcome = ({ data, errors }: GraphQLResponse) => ({
  data: data ?? null,
  errors: errors?.map((e) => ({ code: e.extensions?.code, path: e.path })),
});

const ME = '{ me { email companyRole customerAccess partner { companyName programs } } }';
const CUSTOMERS = `query($search: String) { customers(first: 50, search: $search) { edges { node { id companyName subscriptions { quantity status offer { name } } } } } }`;
const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id companyName } }';
const UPDATE_PROFILE =
  'mutation($input: UpdatePartnerProfileInput!) { updatePartnerProfile(input: $input) { partner { companyName phone } errors { code field } } }';

describe('behind Hive Gateway, configured by file alone', () => {
  it.each([ADMIN, AGENT, FABRIKAM])('me as %s answers as through our gateway', async (email) => {
    const hiveAnswer = await viaHive(ME, {}, email);
    expect(hiveAnswer.errors).toBeUndefined();
    expect(hiveAnswer.data?.me.email).toBe(email);
    expect(outcome(hiveAnswer)).toEqual(outcome(await stack.graphql(ME, {}, { as: email })));
  });

  it.each([
    [ADMIN, {}],
    [AGENT, { search: 'north' }],
    [FABRIKAM, {}],
  ])('customers as %s, across three subgraphs', async (email, variables) => {
    const hiveAnswer = await viaHive(CUSTOMERS, variables, email);
    expect(hiveAnswer.errors).toBeUndefined();
    expect(hiveAnswer.data?.customers.edges.length).toBeGreaterThan(0);
    expect(outcome(hiveAnswer)).toEqual(outcome(await stack.graphql(CUSTOMERS, variables, { as: email })));
  });

  it('sales (no customer access) is refused the customer list alike', async () => {
    const hiveAnswer = await viaHive(CUSTOMERS, {}, SALES);
    expect(hiveAnswer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(outcome(hiveAnswer)).toEqual(outcome(await stack.graphql(CUSTOMERS, {}, { as: SALES })));
  });

  it("another partner's customer answers like an unknown id", async () => {
    const foreign = await viaHive(CUSTOMER, { id: DEMO.customers.alpineSkiHouse }, ADMIN);
    const unknown = await viaHive(CUSTOMER, { id: randomUUID() }, ADMIN);
    expect(foreign).toEqual(unknown);
    expect(foreign.data).toEqual({ customer: null });
    expect(outcome(foreign)).toEqual(outcome(await stack.graphql(CUSTOMER, { id: DEMO.customers.alpineSkiHouse }, { as: ADMIN })));
    const own = await viaHive(CUSTOMER, { id: DEMO.customers.northwind }, ADMIN);
    expect(own.data?.customer.id).toBe(DEMO.customers.northwind);
  });

  it("a mutation on another partner's user answers like one on an unknown id", async () => {
    const UPDATE_USER =
      'mutation($id: ID!) { updatePartnerUser(id: $id, input: { displayName: "Renamed" }) { user { id displayName } errors { code message field } } }';
    const foreign = await viaHive(UPDATE_USER, { id: DEMO.users.fabrikamAdmin.id }, ADMIN);
    const unknown = await viaHive(UPDATE_USER, { id: randomUUID() }, ADMIN);
    expect(foreign.data?.updatePartnerUser).toEqual({ user: null, errors: [expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })] });
    expect(foreign).toEqual(unknown);
    expect(outcome(foreign)).toEqual(outcome(await stack.graphql(UPDATE_USER, { id: DEMO.users.fabrikamAdmin.id }, { as: ADMIN })));
    const fabrikam = await viaHive('{ me { displayName } }', {}, FABRIKAM);
    expect(fabrikam.data?.me.displayName).toEqual(expect.any(String));
    expect(fabrikam.data?.me.displayName).not.toBe('Renamed');
  });

  it('a mutation: allowed to the global admin, refused to an agent, alike', async () => {
    const input = { phone: '+33 1 23 45 67 89' };
    const allowed = await viaHive(UPDATE_PROFILE, { input }, ADMIN);
    expect(allowed.data?.updatePartnerProfile).toEqual({
      partner: { companyName: 'Contoso Cloud Partners', phone: input.phone },
      errors: [],
    });
    expect(outcome(allowed)).toEqual(outcome(await stack.graphql(UPDATE_PROFILE, { input }, { as: ADMIN })));
    const refused = await viaHive(UPDATE_PROFILE, { input: { phone: '+33 9 99 99 99 99' } }, AGENT);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(outcome(refused)).toEqual(
      outcome(await stack.graphql(UPDATE_PROFILE, { input: { phone: '+33 9 99 99 99 99' } }, { as: AGENT })),
    );
    expect((await viaHive('{ partner { phone } }', {}, ADMIN)).data?.partner.phone).toBe(input.phone);
  });

  it('no token: partner data is UNAUTHENTICATED', async () => {
    const hiveAnswer = await viaHive(ME);
    expect(hiveAnswer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(hiveAnswer.data?.me ?? null).toBeNull();
  });

  it('a forged token is UNAUTHENTICATED (a field error here; our gateway refuses the request with HTTP 401)', async () => {
    const forged = { authorization: 'Bearer not.a.jwt' };
    const response = await fetch(hiveUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...forged },
      body: JSON.stringify({ query: ME }),
    });
    const body = (await response.json()) as {
      data?: { me: unknown } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(body.data?.me ?? null).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const ours = await stack.graphql(ME, {}, { headers: forged });
    expect(ours.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe("the router's proof", () => {
  /** Hive Gateway's last request to the customer subgraph, sent again by someone else. */
  async function replay(
    change: (body: { query: string; variables?: Record<string, unknown>; extensions: Record<string, unknown> }) => void,
    as = ADMIN,
  ) {
    const last = sent.filter(({ url }) => url === stack.subgraphs.customer.url).at(-1)!;
    const body = JSON.parse(last.body);
    expect(body.extensions[ROUTER_PROOF_EXTENSION]).toEqual(expect.any(String));
    change(body);
    const response = await fetch(stack.subgraphs.customer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.tokenFor(as)}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
  }

  it("is Hive Gateway's own signature, accepted as sent", async () => {
    await viaHive(CUSTOMER, { id: DEMO.customers.northwind }, ADMIN);
    const same = await replay(() => {});
    expect(same.status).toBe(200);
    expect(same.body.data?.customer.id).toBe(DEMO.customers.northwind);
  });

  it('replayed with other variables, is refused', async () => {
    await viaHive(CUSTOMER, { id: DEMO.customers.northwind }, ADMIN);
    const other = await replay((body) => {
      body.variables = { ...body.variables, id: DEMO.customers.adventureWorks };
    });
    expect(other.status).toBe(401);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(other.body.data ?? null).toBeNull();
  });

  it('replayed with another operation, is refused', async () => {
    await viaHive(CUSTOMER, { id: DEMO.customers.northwind }, ADMIN);
    const other = await replay((body) => {
      body.query = '{ _entities(representations: [{ __typename: "Customer", id: "x" }]) { __typename } }';
      delete body.variables;
    });
    expect(other.status).toBe(401);
  });

  it.each(SUBGRAPHS)('%s refuses a request without a proof, with a token or not', async (name) => {
    for (const as of [undefined, ADMIN]) {
      const response = await stack.subgraphRequest(name, '{ __typename }', { as, signature: 'none' });
      expect(response.status).toBe(401);
    }
  });

  it('a wrong static credential is refused; the configured one is accepted, for any operation', async () => {
    const query = '{ customer(id: "' + DEMO.customers.northwind + '") { id } }';
    const wrong = await stack.subgraphRequest('customer', query, {
      as: ADMIN,
      signature: 'none',
      headers: { [ROUTER_TOKEN_HEADER]: `${ROUTER_STATIC_TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    const right = await stack.subgraphRequest('customer', query, {
      as: ADMIN,
      signature: 'none',
      headers: { [ROUTER_TOKEN_HEADER]: ROUTER_STATIC_TOKEN },
    });
    expect(right.data?.customer.id).toBe(DEMO.customers.northwind);
  });

  it('a signed document holding two operations is refused (the proof does not cover the name that picks one)', async () => {
    const query = 'query A { __typename } query B { _service { sdl } }';
    const response = await fetch(stack.subgraphs.partner.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query,
        operationName: 'B',
        extensions: { [ROUTER_PROOF_EXTENSION]: signRouterProof(ROUTER_SECRET, { query }) },
      }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.data ?? null).toBeNull();
  });
});
