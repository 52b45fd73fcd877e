import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@partner-graph/gateway';
import { createLogger, DEMO, loadGatewayConfig, type ListeningServer } from '@partner-graph/platform';
import { readFileSync } from 'node:fs';
import { ROUTER_SECRET, SECRET, startStack, type Stack } from './stack.js';

// Trusted documents: with PERSISTED_DOCUMENTS_ONLY the gateway runs only the documents of its
// manifest (sent by id); without it, ids are a shorthand and any document is still accepted.
const ME = 'query Me { me { email } }';
const HASH = createHash('sha256').update(ME).digest('hex');
// A second client's manifest, loaded beside the first.
const PARTNER = 'query MyPartner { partner { companyName } }';
const PARTNER_HASH = createHash('sha256').update(PARTNER).digest('hex');

let stack: Stack;
let dir: string;
let strict: ListeningServer;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'persisted-'));
  const manifest = path.join(dir, 'persisted-documents.json');
  writeFileSync(manifest, JSON.stringify({ [HASH]: ME }));
  const other = path.join(dir, 'other-app.json');
  // Keys as the client preset 6 writes them (`sha256:<hash>`); the first manifest's are bare.
  writeFileSync(other, JSON.stringify({ [`sha256:${PARTNER_HASH}`]: PARTNER }));
  stack = await startStack({ gatewayEnv: { PERSISTED_DOCUMENTS_PATH: manifest } });
  const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, subgraph]) => [name, subgraph.url])) as never;
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    INTERNAL_SIGNING_SECRET: SECRET,
    ROUTER_SIGNING_SECRET: ROUTER_SECRET,
    PERSISTED_DOCUMENTS_PATH: `${manifest},${other}`,
    PERSISTED_DOCUMENTS_ONLY: 'true',
  });
  const supergraphSdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  strict = await (await createGateway({ config, supergraphSdl, subgraphUrls: urls, logger: createLogger('gateway', 'silent') })).listen(0);
  token = await stack.tokenFor(DEMO.users.contosoAgent.email);
});
afterAll(async () => {
  await strict?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: { me?: { email: string } }; errors?: { extensions?: { code?: string } }[] },
  };
};

describe('persisted documents, development (manifest loaded, not enforced)', () => {
  it('runs a document sent by its id', async () => {
    const { body } = await post(stack.gatewayUrl, { documentId: HASH });
    expect(body.data?.me?.email).toBe(DEMO.users.contosoAgent.email);
  });
  it('still runs a document sent as text', async () => {
    const { body } = await post(stack.gatewayUrl, { query: '{ me { email } }' });
    expect(body.data?.me?.email).toBe(DEMO.users.contosoAgent.email);
  });
  it('falls back to the text sent with an id the manifest does not know', async () => {
    const { body } = await post(stack.gatewayUrl, { documentId: 'f'.repeat(64), query: '{ me { email } }' });
    expect(body.data?.me?.email).toBe(DEMO.users.contosoAgent.email);
  });
});

describe('persisted documents only (PERSISTED_DOCUMENTS_ONLY)', () => {
  it('runs a known document by id, in both request shapes', async () => {
    for (const body of [{ documentId: `sha256:${HASH}` }, { extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } }]) {
      const response = await post(strict.url, body);
      expect(response.body.data?.me?.email).toBe(DEMO.users.contosoAgent.email);
    }
  });
  it('runs the documents of every manifest it was given', async () => {
    const response = await fetch(strict.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ documentId: PARTNER_HASH }),
    });
    expect(await response.json()).toEqual({ data: { partner: { companyName: 'Contoso Cloud Partners' } } });
  });
  it('runs the manifest text even when a different text comes with the id', async () => {
    const { body } = await post(strict.url, { documentId: HASH, query: '{ me { email companyRole } }' });
    expect(body.data?.me).toEqual({ email: DEMO.users.contosoAgent.email });
  });
  it('refuses a document sent as text', async () => {
    const { status, body } = await post(strict.url, { query: '{ me { email } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });
  it('refuses an unknown id, even with its text', async () => {
    const { status, body } = await post(strict.url, { documentId: 'f'.repeat(64), query: '{ me { email } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
  it('cannot be given a new document through automatic persisted queries', async () => {
    const text = '{ me { email companyRole } }';
    const hash = createHash('sha256').update(text).digest('hex');
    const { status } = await post(strict.url, { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(status).toBe(400);
    const { body } = await post(strict.url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
  it('refuses a GET with a document as text', async () => {
    const response = await fetch(`${strict.url}?query=${encodeURIComponent('{ me { email } }')}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(400);
  });
  it('requires the manifest', () => {
    expect(() => loadGatewayConfig({ PERSISTED_DOCUMENTS_ONLY: 'true' })).toThrow(/PERSISTED_DOCUMENTS_PATH/);
  });
});
