import { mkdtempSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  databaseUrlFor,
  DEV_JWT_SECRET,
  DEV_ROUTER_SECRET,
  loadGatewayConfig,
  openDatabase,
  createRuntime,
  SUBGRAPHS,
  createLogger,
  type ListeningServer,
  type SubgraphName,
  freePort,
} from '@partner-graph/platform';
import { startEmbeddedPostgres, type EmbeddedServer } from '../scripts/embedded-postgres.js';
import { createGateway } from '@partner-graph/gateway';
import { MODULES } from '../scripts/subgraphs.js';
import { SECRET } from './stack.js';

// Readiness follows the database: this file owns a PostgreSQL server it can stop and start
// again (the run's shared server must stay up for the other files).

const dir = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-readiness-'));
chmodSync(dir, 0o755);
let port: number;
let postgres: EmbeddedServer | null = null;
const startPostgres = async () => {
  postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, persistent: true });
};
const stopPostgres = async () => {
  await postgres?.stop();
  postgres = null;
};

const logger = createLogger('readiness-test', 'silent');
const servers: ListeningServer[] = [];
const databases: DataSource[] = [];
let partnerUrl: string;
let gatewayUrl: string;

beforeAll(async () => {
  port = await freePort();
  await startPostgres();
  // The partner subgraph (which the gateway needs for every request) on this server; the
  // other subgraphs do not answer at all.
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, `http://127.0.0.1:1/graphql`])) as Record<SubgraphName, string>;
  const module = MODULES.partner;
  const databaseUrl = databaseUrlFor(postgres!.url, 'partner_graph_partner');
  const { dataSource: db } = await openDatabase({ url: databaseUrl, entities: module.entities, migrations: module.migrations, logger });
  databases.push(db);
  const partner = await (
    await module.create(
      createRuntime({
        name: 'partner',
        db,
        databaseUrl,
        logger,
        urls,
        secret: SECRET,
        trust: { router: { signingSecret: DEV_ROUTER_SECRET }, auth: { mode: 'hs256', secret: DEV_JWT_SECRET }, viewerCacheMs: 30_000 },
        publicAcceptUrl: 'https://partner-graph.example/accept',
      }),
    )
  ).listen(0);
  servers.push(partner);
  partnerUrl = partner.url;
  urls.partner = partner.url;

  const config = loadGatewayConfig({ NODE_ENV: 'test', INTERNAL_SIGNING_SECRET: SECRET });
  const supergraphSdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  const gateway = await (await createGateway({ config, supergraphSdl, subgraphUrls: urls, logger })).listen(0);
  servers.push(gateway);
  gatewayUrl = gateway.url;
});

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const db of databases) if (db.isInitialized) await db.destroy();
  await stopPostgres();
  rmSync(dir, { recursive: true, force: true });
});

const probe = async (graphqlUrl: string, endpoint: '/health' | '/ready') => {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, endpoint));
  return { status: response.status, body: (await response.json()) as { status: string; checks?: Record<string, string> } };
};

describe('liveness and readiness', () => {
  it('a subgraph is ready while its database answers; the gateway while the partner subgraph is', async () => {
    expect(await probe(partnerUrl, '/ready')).toEqual({
      status: 200,
      body: { status: 'ready', service: 'partner', checks: { database: 'ok' } },
    });
    // Without the other four subgraphs the gateway still serves what the partner subgraph has.
    const gateway = await probe(gatewayUrl, '/ready');
    expect(gateway.status).toBe(200);
    expect(gateway.body).toMatchObject({
      status: 'degraded',
      checks: { partner: 'ok', customer: 'failed', subscription: 'failed', offer: 'failed', 'licensing-key': 'failed' },
    });
  });

  it('turns unready when PostgreSQL stops, stays live, and is ready again when it returns', async () => {
    await stopPostgres();
    expect(await probe(partnerUrl, '/ready')).toMatchObject({ status: 503, body: { status: 'unready', checks: { database: 'failed' } } });
    expect(await probe(gatewayUrl, '/ready')).toMatchObject({ status: 503, body: { status: 'unready', checks: { partner: 'failed' } } });
    // Liveness is about the process: restarting it would not bring the database back.
    expect((await probe(partnerUrl, '/health')).status).toBe(200);
    expect((await probe(gatewayUrl, '/health')).status).toBe(200);

    await startPostgres();
    await expect.poll(async () => (await probe(partnerUrl, '/ready')).status, { timeout: 15_000 }).toBe(200);
    await expect.poll(async () => (await probe(gatewayUrl, '/ready')).status, { timeout: 15_000 }).toBe(200);
  });
});
