import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import {
  CONTEXT_HEADER,
  DEMO,
  DEV_JWT_SECRET,
  GATEWAY_DIRECTORY,
  ROUTER_PROOF_EXTENSION,
  signContext,
  signRouterProof,
} from '@partner-graph/platform';
import { SUBGRAPHS } from '@partner-graph/platform';
import { ROUTER_SECRET, startStack, type Stack } from './stack.js';

const ME = '{ me { email companyRole customerAccess partner { companyName programs } } }';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const sign = (claims: Record<string, unknown>, secret = DEV_JWT_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
const now = () => Math.floor(Date.now() / 1000);

describe('me through the gateway', () => {
  const expected = [
    [DEMO.users.contosoAdmin.email, 'GLOBAL_ADMIN', 'FULL', 'Contoso Cloud Partners'],
    [DEMO.users.contosoAgent.email, 'NONE', 'FULL', 'Contoso Cloud Partners'],
    [DEMO.users.contosoHelpdesk.email, 'NONE', 'LIMITED', 'Contoso Cloud Partners'],
    [DEMO.users.contosoSales.email, 'NONE', 'NONE', 'Contoso Cloud Partners'],
    [DEMO.users.fabrikamAdmin.email, 'GLOBAL_ADMIN', 'FULL', 'Fabrikam Resellers'],
  ] as const;
  it.each(expected)('%s sees their own user and partner', async (email, companyRole, customerAccess, companyName) => {
    const { status, data, errors } = await stack.graphql(ME, {}, { as: email });
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data?.me).toMatchObject({ email, companyRole, customerAccess, partner: { companyName } });
  });

  it('gives Contoso its four programs', async () => {
    const { data } = await stack.graphql(ME, {}, { as: DEMO.users.contosoAdmin.email });
    expect(data?.me.partner.programs).toEqual(['RESELLER', 'SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS']);
  });
});

describe('bad tokens are UNAUTHENTICATED', () => {
  const subject = DEMO.users.contosoAdmin.email;
  const cases: [string, () => Promise<string>][] = [
    ['alg none', async () => new UnsecuredJWT({ sub: subject }).setExpirationTime('1h').encode()],
    ['expired', () => sign({ sub: subject, exp: now() - 120, iat: now() - 3600 })],
    ['not yet valid', () => sign({ sub: subject, nbf: now() + 3600, exp: now() + 7200 })],
    ['forged signature', () => sign({ sub: subject, exp: now() + 3600 }, 'someone-elses-secret-that-is-long-enough')],
    ['no expiry', () => sign({ sub: subject })],
    ['unknown subject', () => sign({ sub: 'nobody@example.com', exp: now() + 3600 })],
    [
      'RS256 when HS256 is configured',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ sub: subject, exp: now() + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
      },
    ],
    ['garbage', async () => 'not.a.jwt'],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const { status, data, errors } = await stack.graphql(ME, {}, { token: await make() });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(status).toBe(401);
    expect(data?.me ?? null).toBeNull();
  });

  it('a non-Bearer authorization header', async () => {
    const { errors } = await stack.graphql(ME, {}, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('no token at all cannot read partner data', async () => {
    const { data, errors } = await stack.graphql(ME);
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(data?.me ?? null).toBeNull();
  });
});

describe('subgraphs accept only the gateway-signed context', () => {
  it.each(SUBGRAPHS)('%s refuses an unsigned request with 401, _service and _entities included', async (name) => {
    for (const query of [
      '{ _service { sdl } }',
      '{ _entities(representations: [{ __typename: "Partner", id: "x" }]) { __typename } }',
      '{ __typename }',
    ]) {
      const response = await stack.subgraphRequest(name, query, { signature: 'none' });
      expect(response.status).toBe(401);
    }
  });

  it.each(SUBGRAPHS)('%s refuses a forged signature with 401', async (name) => {
    const response = await stack.subgraphRequest(name, '{ _service { sdl } }', { signature: 'forged' });
    expect(response.status).toBe(401);
  });

  it.each(SUBGRAPHS)('%s answers /health without a signature', async (name) => {
    const response = await fetch(stack.subgraphs[name].url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
  });

  it('_entities and _service are for the gateway only, not other services', async () => {
    const viewer = await stack.viewerOf(DEMO.users.contosoAdmin.email);
    const response = await stack.subgraphRequest('partner', '{ _service { sdl } }', { viewer, issuer: 'customer' });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const gateway = await stack.subgraphRequest('partner', '{ _service { sdl } }', { viewer, issuer: 'router' });
    expect(gateway.data?._service.sdl).toContain('type Partner');
  });

  it('the internal viewer lookup is refused to the gateway (so to clients) and absent from the API', async () => {
    const response = await stack.subgraphRequest('partner', '{ viewerContext(subject: "admin@contoso-partner.example") { userId } }', {
      issuer: 'router',
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viaGateway = await stack.graphql(
      '{ viewerContext(subject: "admin@contoso-partner.example") { userId } }',
      {},
      { as: DEMO.users.contosoAdmin.email },
    );
    expect(viaGateway.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

/** A request as an attacker sends it: any method, any URL, a body read as JSON whatever the method (fetch refuses a GET body). */
function rawRequest(
  url: string,
  method: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject).end(body);
  });
}

describe('a captured router request runs only what the router proved', () => {
  const captured = JSON.stringify({
    query: '{ __typename }',
    extensions: { [ROUTER_PROOF_EXTENSION]: signRouterProof(ROUTER_SECRET, { query: '{ __typename }' }) },
  });

  it.each(SUBGRAPHS)('%s: the proven body with another query in the URL of a GET runs nothing (405)', async (name) => {
    const url = `${stack.subgraphs[name].url}?query=${encodeURIComponent('{ _service { sdl } }')}`;
    const response = await rawRequest(url, 'GET', captured, { 'apollo-require-preflight': 'true' });
    expect(response.status).toBe(405);
    expect(JSON.parse(response.text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
    expect(response.text).not.toContain('sdl');
  });

  it('the same body POSTed with another query in the URL runs the proven query only', async () => {
    const url = `${stack.subgraphs.customer.url}?query=${encodeURIComponent('{ _service { sdl } }')}`;
    const response = await rawRequest(url, 'POST', captured);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('a proven body with an operation name or extensions of its own still runs only the proven operation', async () => {
    const body = JSON.parse(captured) as Record<string, unknown>;
    const named = await rawRequest(stack.subgraphs.customer.url, 'POST', JSON.stringify({ ...body, operationName: 'Other' }));
    expect(JSON.parse(named.text)).toMatchObject({ errors: [{ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    expect(JSON.parse(named.text).data).toBeUndefined();
    const persisted = await rawRequest(
      stack.subgraphs.customer.url,
      'POST',
      JSON.stringify({
        ...body,
        extensions: { ...(body.extensions as object), persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
      }),
    );
    expect(JSON.parse(persisted.text)).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] });
    expect(JSON.parse(persisted.text).data).toBeUndefined();
  });
});

describe("the gateway's own identity", () => {
  const LOOKUP = '{ viewerContext(subject: "admin@contoso-partner.example") { userId } }';
  const asGateway = async (
    name: 'partner' | 'customer',
    query: string,
    viewer: Parameters<typeof signContext>[0]['viewer'] = { kind: 'system' },
    issuer = GATEWAY_DIRECTORY,
  ) => {
    // Signed as the gateway signs it: from the router's secret, the only one the gateway holds.
    const token = await signContext({ viewer, requestId: 'test-gateway', issuer }, ROUTER_SECRET);
    const response = await fetch(stack.subgraphs[name].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: token },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] },
    };
  };

  it('looks a viewer up in the partner directory', async () => {
    const { body } = await asGateway('partner', LOOKUP);
    expect(body.data?.viewerContext).toEqual({ userId: expect.any(String) });
  });

  it('reaches nothing else: no other internal field, no router field, no partner user, no service identity', async () => {
    const other = await asGateway('partner', `{ partnerContact(partnerId: "${DEMO.partners.contoso}") { email } }`);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(other.body.data?.partnerContact ?? null).toBeNull();
    const beside = await asGateway(
      'partner',
      `{ viewerContext(subject: "x") { userId } partnerContact(partnerId: "${DEMO.partners.contoso}") { email } }`,
    );
    expect(beside.status).toBe(403);
    const service = await asGateway('customer', '{ _service { sdl } }');
    expect(service.status).toBe(403);
    const viewer = await stack.viewerOf(DEMO.users.contosoAdmin.email);
    expect((await asGateway('partner', '{ me { email } }', viewer)).status).toBe(401);
    // With the router's secret no one can sign as a service.
    const asCustomer = await asGateway('partner', LOOKUP, { kind: 'system' }, 'customer');
    expect(asCustomer.status).toBe(401);
  });
});

describe('gateway', () => {
  it('answers /health', async () => {
    const response = await fetch(stack.gatewayUrl.replace('/graphql', '/health'));
    expect(await response.json()).toEqual({ status: 'ok', service: 'gateway' });
  });

  it('refuses a query deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 8; i++) selection = `partner { users { ${selection} } }`;
    const deep = `{ me { ${selection} } }`;
    const { errors } = await stack.graphql(deep, {}, { as: DEMO.users.contosoAdmin.email });
    expect(errors?.[0]?.message).toMatch(/depth/i);
  });

  it('echoes a request id', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-12345678' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-12345678');
  });
});

describe('rate limiting', () => {
  it('answers 429 with RATE_LIMITED past the per-minute budget', async () => {
    const limited = await startStack({ seed: false, rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.graphql('{ __typename }')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const response = await limited.graphql('{ __typename }');
      expect(response.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });
});

describe('metrics', () => {
  it('the gateway and every subgraph expose Prometheus metrics', async () => {
    await stack.graphql(ME, {}, { as: DEMO.users.contosoAdmin.email });
    const gateway = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(gateway).toMatch(/graphql_operations_total\{[^}]*service="gateway"/);
    for (const name of SUBGRAPHS) {
      const response = await fetch(stack.subgraphs[name].url.replace('/graphql', '/metrics'));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`service="${name}"`);
    }
  });
});
