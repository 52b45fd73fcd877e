import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { loadTestConfig, freePort } from '@partner-graph/platform';
import { startEmbeddedPostgres, type EmbeddedServer } from '@partner-graph/platform/embedded-postgres';

/**
 * One PostgreSQL server for the whole run: `DATABASE_URL` when set, otherwise a throwaway
 * embedded server. Each test file creates its own databases on it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const config = loadTestConfig();
  if (config.DATABASE_URL) {
    project.provide('databaseServerUrl', config.DATABASE_URL);
    return async () => {};
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-test-'));
  chmodSync(dir, 0o755);
  const server: EmbeddedServer = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
  project.provide('databaseServerUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
