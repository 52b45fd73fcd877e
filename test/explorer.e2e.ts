import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadGatewayConfig, SUBGRAPHS, type ListeningServer, type SubgraphName } from '@partner-graph/platform';
import { createGateway } from '@partner-graph/gateway';
import { ensureExplorerBuilt } from '@partner-graph/explorer';
import { ROUTER_SECRET } from './stack.js';

// GraphiQL at the API's URL for a browser, in development only; built from packages/explorer
// (the build is skipped when dist/ is newer than its sources).
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const supergraphSdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
// Serving the page needs no subgraph; none answers here.
const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, 'http://127.0.0.1:1/graphql'])) as Record<SubgraphName, string>;
const logger = createLogger('gateway', 'silent');

let explorerDir: string;
let development: ListeningServer;
let production: ListeningServer;

async function gateway(env: Record<string, string>): Promise<ListeningServer> {
  const config = loadGatewayConfig({ ROUTER_SIGNING_SECRET: ROUTER_SECRET, ...env });
  return (await createGateway({ config, supergraphSdl, subgraphUrls, logger, explorerDir })).listen(0);
}

beforeAll(async () => {
  explorerDir = await ensureExplorerBuilt();
  development = await gateway({ NODE_ENV: 'development' });
  production = await gateway({
    NODE_ENV: 'production',
    METRICS_TOKEN: 'metrics-token-for-the-explorer-test',
    AUTH_JWKS_URL: 'https://login.example/keys',
    AUTH_ISSUER: 'https://login.example',
    AUTH_AUDIENCE: 'partner-graph',
    TRUST_PROXY_HOPS: '0',
    PERSISTED_DOCUMENTS_ONLY: 'false',
  });
}, 120_000);
afterAll(async () => {
  await development?.close();
  await production?.close();
});

describe('the explorer', () => {
  it('is the page a browser gets at /graphql, and loads nothing from another origin', async () => {
    const response = await fetch(development.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).toContain('<div id="explorer">');
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      expect(reference).toMatch(/^\/explorer\//);
      expect((await fetch(new URL(reference, development.url))).status).toBe(200);
    }
  });

  it('leaves GraphQL requests alone: a POST and a GET that asks for JSON are answered by the API', async () => {
    const post = await fetch(development.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    const get = await fetch(`${development.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('is off in production', async () => {
    const response = await fetch(production.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.headers.get('content-type') ?? '').not.toMatch(/^text\/html/);
    expect(await response.text()).not.toContain('<div id="explorer">');
    expect((await fetch(new URL('/explorer/index.html', production.url))).status).toBe(404);
  });
});
