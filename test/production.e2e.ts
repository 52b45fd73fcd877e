import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createLogger,
  databaseUrlFor,
  dropDatabase,
  loadGatewayConfig,
  SUBGRAPHS,
  type ListeningServer,
  type SubgraphName,
  freePort,
} from '@partner-graph/platform';
import { createGateway } from '@partner-graph/gateway';
import { ROUTER_SECRET, startStack, type Stack } from './stack.js';
import { AGENT } from './demo-users.js';

// Production switches, metrics exposure and the shared rate limit, on gateways of their own in
// front of one test federation.
const supergraphSdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
const rateLimitDatabase = databaseUrlFor(inject('databaseServerUrl'), `rate_limit_${process.pid}`);

let stack: Stack;
const servers: ListeningServer[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await stack?.stop();
  await dropDatabase(rateLimitDatabase);
});

async function gateway(env: Record<string, string>): Promise<string> {
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.subgraphs[name].url])) as Record<SubgraphName, string>;
  const config = loadGatewayConfig({ LOG_LEVEL: 'silent', ROUTER_SIGNING_SECRET: ROUTER_SECRET, ...env });
  const server = await (
    await createGateway({ config, supergraphSdl, subgraphUrls: urls, logger: createLogger('gateway', 'silent') })
  ).listen(0);
  servers.push(server);
  return server.url;
}
const ask = async (url: string, query: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] },
  };
};
const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
  AUTH_ISSUER: 'https://idp.example/',
  AUTH_AUDIENCE: 'api://partner-graph',
  TRUST_PROXY_HOPS: '0',
  // These tests send their own documents; the default (persisted documents only) is tested below.
  PERSISTED_DOCUMENTS_ONLY: 'false',
};

describe('production mode', () => {
  it('turns introspection and suggestions off, refuses development tokens, serves metrics on its own port only', async () => {
    const metricsPort = await freePort();
    const url = await gateway({ ...PRODUCTION, METRICS_PORT: String(metricsPort) });
    const introspection = await ask(url, '{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await ask(url, '{ partnr { companyName } }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const devToken = await ask(url, '{ me { email } }', { authorization: `Bearer ${await stack.tokenFor(AGENT)}` });
    expect(devToken.status).toBe(401);
    expect(devToken.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    for (const path of ['/graphql', '/health']) {
      const response = await fetch(url.replace('/graphql', path), {
        method: path === '/graphql' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: path === '/graphql' ? '{"query":"{ __typename }"}' : undefined,
      });
      expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // Outside production (plain HTTP on a developer's machine) no HSTS.
    expect((await fetch(stack.gatewayUrl.replace('/graphql', '/health'))).headers.get('strict-transport-security')).toBeNull();
    expect((await fetch(url.replace('/graphql', '/metrics'))).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('graphql_operations_total');
  });

  it('or behind a bearer token on the service port; configurable introspection', async () => {
    const url = await gateway({ ...PRODUCTION, METRICS_TOKEN: 'metrics-token-0123456789', GRAPHQL_INTROSPECTION: 'true' });
    expect((await ask(url, '{ __schema { queryType { name } } }')).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const metricsUrl = url.replace('/graphql', '/metrics');
    expect((await fetch(metricsUrl)).status).toBe(401);
    expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
  });

  it('accepts only persisted documents unless told otherwise', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'production-manifest-'));
    try {
      const document = 'query Typename { __typename }';
      const manifest = path.join(dir, 'persisted-documents.json');
      writeFileSync(manifest, JSON.stringify({ [createHash('sha256').update(document).digest('hex')]: document }));
      const { PERSISTED_DOCUMENTS_ONLY: _, ...defaults } = PRODUCTION;
      const url = await gateway({ ...defaults, METRICS_PORT: String(await freePort()), PERSISTED_DOCUMENTS_PATH: manifest });
      const asText = await ask(url, '{ __typename }');
      expect(asText.status).toBe(400);
      expect(asText.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
      const byId = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: createHash('sha256').update(document).digest('hex') }),
      });
      expect(await byId.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('metrics stay bounded whatever operation names clients send', async () => {
    const url = await gateway({});
    const size = async () => (await (await fetch(url.replace('/graphql', '/metrics'))).text()).length;
    for (let i = 0; i < 10; i++) await ask(url, `query Warm${i} { __typename }`);
    const before = await size();
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => ask(url, `query Name${batch}_${i} { __typename }`)));
    }
    const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    const labels = new Set([...text.matchAll(/graphql_operations_total\{[^}]*operation="([^"]+)"/g)].map((match) => match[1]));
    expect(labels.size).toBeLessThanOrEqual(200 + 2);
    expect(labels).toContain('other');
    // 1 000 distinct names cost the series of 200 at most, not 1 000.
    expect(text.length).toBeLessThan(before * 25);
  });
});

describe('the rate limit', () => {
  it('is shared by every replica and follows the partner user, whatever its address', async () => {
    const env = { GATEWAY_DATABASE_URL: rateLimitDatabase, GATEWAY_RATE_LIMIT_PER_MINUTE: '4', TRUST_PROXY_HOPS: '1' };
    const [a, b] = [await gateway(env), await gateway(env)];
    const token = await stack.tokenFor(AGENT);
    const asAgent = (url: string, address: string) =>
      ask(url, '{ me { email } }', { authorization: `Bearer ${token}`, 'x-forwarded-for': address });
    const statuses = [
      await asAgent(a, '198.51.100.1'),
      await asAgent(b, '198.51.100.2'),
      await asAgent(a, '198.51.100.3'),
      await asAgent(b, '198.51.100.4'),
    ].map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const refused = await asAgent(a, '198.51.100.5');
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    // Anonymous callers are counted by the address the trusted proxy saw, not what they claim.
    const anonymous = (url: string, forwarded: string) => ask(url, '{ __typename }', { 'x-forwarded-for': forwarded });
    for (const claimed of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'])
      expect((await anonymous(b, `${claimed}, 203.0.113.7`)).status).toBe(200);
    expect((await anonymous(a, '5.5.5.5, 203.0.113.7')).status).toBe(429);
    expect((await anonymous(a, '203.0.113.8')).status).toBe(200);

    // An IPv6 caller is counted by its /64: a fresh address of the same network is no fresh budget.
    for (const host of ['::1', '::2', ':abcd:ef01:2345:6789', ':ffff:ffff:ffff:fffe'])
      expect((await anonymous(a, `2001:db8:7:8${host}`)).status, host).toBe(200);
    expect((await anonymous(b, '2001:db8:7:8:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await anonymous(b, '2001:db8:7:9::1')).status).toBe(200);
  });
});
