import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import './provided-context.js';
import { databaseUrlFor, envPrefix, SUBGRAPHS } from '@partner-graph/platform';

// Every benchmark and tool command the README documents, run once as `npm run …` in a short form
// against the run's PostgreSQL server, so that a documented command cannot break unnoticed.
// (`npm run compose` is `composeSupergraph()`, which test/schema.test.ts runs; the command
// itself would rewrite the checked-in schema.)
const root = path.resolve(import.meta.dirname, '..');
const serverUrl = inject('databaseServerUrl');
// `npm run seed` and `npm run token` on databases of their own, named for the run: the global
// teardown drops them.
const databases = Object.fromEntries(
  SUBGRAPHS.map((name) => [name, databaseUrlFor(serverUrl, `${inject('testRunId')}_commands_${name.replace('-', '_')}`)]),
);
// As from a shell: without the variables Vitest sets for its workers (NODE_ENV=test among them).
const shell = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_ENV' && name !== 'TEST'),
);
const env = {
  ...shell,
  DATABASE_URL: serverUrl,
  ...Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_DATABASE_URL`, databases[name]!])),
  LOG_LEVEL: 'error',
};

/** `npm run -s <script> -- <args>`; npm is sent SIGTERM after `timeoutMs`, so a hung command fails its test. */
async function npmRun(timeoutMs: number, script: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', script, '--', ...args], {
      cwd: root,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: timeoutMs,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the documented commands', () => {
  it(
    'npm run seed (and --customers) migrates and seeds; npm run token prints a token for a directory user, and refuses an unknown one',
    { timeout: 180_000 },
    async () => {
      const seeded = await npmRun(120_000, 'seed', '--customers', '50');
      expect(seeded.output).toContain('Demo data is in place.');
      expect(seeded.code).toBe(0);
      const client = new pg.Client({ connectionString: databases.customer });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM customer');
        expect(Number(rows[0]!.count)).toBeGreaterThanOrEqual(50);
      } finally {
        await client.end();
      }

      const token = await npmRun(30_000, 'token', 'agent@contoso-partner.example', '120');
      expect(token.code).toBe(0);
      const claims = decodeJwt(token.output.trim());
      expect(claims.sub).toBe('agent@contoso-partner.example');
      expect(claims.exp! - claims.iat!).toBe(120);

      const unknown = await npmRun(30_000, 'token', 'nobody@contoso-partner.example');
      expect(unknown.code).toBe(1);
      expect(unknown.output).toContain('No partner user nobody@contoso-partner.example');
    },
  );

  it('npm run bench -- --customers 1000 --runs 2 times the list and the search, and prints the plan', { timeout: 180_000 }, async () => {
    const { code, output } = await npmRun(170_000, 'bench', '--customers', '1000', '--runs', '2');
    expect(output).toContain('Loaded 1000 customers for Contoso');
    expect(output).toMatch(/^summit\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+$/m);
    expect(output).toContain('Plan of the prefix search "summit"');
    expect(code).toBe(0);
  });

  it(
    'npm run bench:gateway, briefly, with two users: every workload through ours, Hive and the subgraph alone, every answer right',
    { timeout: 600_000 },
    async () => {
      const { code, output } = await npmRun(
        580_000,
        'bench:gateway',
        '--duration',
        '1',
        '--warmup',
        '0',
        '--users',
        '2',
        '--customers',
        '20',
        '--connections',
        '4',
        '--targets',
        'ours,hive,subgraph',
      );
      expect(output).toContain('Every answer was right.');
      for (const workload of [
        'users-dashboard-search',
        'users-dashboard',
        'users-customer-page',
        'dashboard',
        'dashboard-search',
        'one-subgraph',
      ]) {
        expect(output).toMatch(new RegExp(`^\\| ${workload} \\| ours \\| \\d+`, 'm'));
        expect(output).toMatch(new RegExp(`^\\| ${workload} \\| hive \\| \\d+`, 'm'));
      }
      expect(output).toMatch(/^\| one-subgraph \| subgraph \| \d+/m);
      expect(code).toBe(0);
    },
  );

  it('npm run soak, briefly: requests through the gateway, no 5xx, no failures, memory per process', { timeout: 180_000 }, async () => {
    const { code, output } = await npmRun(170_000, 'soak', '--seconds', '2', '--warmup', '1', '--concurrency', '2');
    expect(output).toMatch(/requests [1-9]\d* /);
    expect(output).toContain('HTTP 5xx 0, failed 0');
    expect(output).toMatch(/^gateway\s+\d+/m);
    expect(code).toBe(0);
  });
});
