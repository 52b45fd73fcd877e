import { randomBytes } from 'node:crypto';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import pg from 'pg';
import { databaseUrlFor, dropDatabase, loadTestConfig, freePort } from '@partner-graph/platform';
import { startEmbeddedPostgres, type EmbeddedServer } from '../scripts/embedded-postgres.js';

/**
 * One PostgreSQL server for the whole run: `DATABASE_URL` when set, otherwise a throwaway
 * embedded server. Each test file creates its own databases on it; the run's own (named by
 * `testRunId`: the demo data's templates, test/stack.ts) are dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const config = loadTestConfig();
  const runId = `run_${randomBytes(4).toString('hex')}`;
  project.provide('testRunId', runId);
  if (config.DATABASE_URL) {
    const serverUrl = config.DATABASE_URL;
    project.provide('databaseServerUrl', serverUrl);
    return async () => {
      const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
        `${runId}_`,
      ]);
      await client.end();
      for (const { datname } of rows) await dropDatabase(databaseUrlFor(serverUrl, datname));
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-test-'));
  chmodSync(dir, 0o755);
  // Its data is thrown away at the end: no need to make it durable.
  const server: EmbeddedServer = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    persistent: false,
    durable: false,
  });
  project.provide('databaseServerUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
