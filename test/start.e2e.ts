import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import { DEMO, DEV_JWT_SECRET, portVariable, SERVICES, type ServiceName, freePort } from '@partner-graph/platform';
import { signDevToken } from '@partner-graph/platform';

// `npm start` as a person runs it, on its own ports and data folder beside any other instance:
// a subgraph killed with SIGKILL costs only its fields until it is back; Ctrl-C stops everything.
const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const QUERY = `query($id: ID!) { me { email } subscription(id: $id) { id quantity } }`;
const SUBSCRIPTION = DEMO.subscriptions.northwindBusinessStandard;

/** Every process below `pid`, by its command line. */
function descendants(pid: number): Map<number, string> {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)!)
    .map(([, child, parent, args]) => ({ pid: Number(child), ppid: Number(parent), args: args! }));
  const found = new Map<number, string>();
  const visit = (parent: number) => {
    for (const row of rows.filter((candidate) => candidate.ppid === parent)) {
      found.set(row.pid, row.args);
      visit(row.pid);
    }
  };
  visit(pid);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const subgraphPid = (startPid: number, name: string): number | undefined =>
  [...descendants(startPid)].find(([, args]) => args.includes(path.join('subgraphs', name, 'src', 'index.ts')))?.[0];

let dir: string;
let start: ChildProcess;
let output = '';
let exited: Promise<number | null>;
const ports = {} as Record<ServiceName | 'postgres', number>;
let token: string;

async function query(): Promise<{ data?: any; errors?: { extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { id: SUBSCRIPTION } }),
  });
  return (await response.json()) as never;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-start-'));
  chmodSync(dir, 0o755); // run as root, PostgreSQL runs as `postgres`, who must reach it
  for (const name of [...SERVICES, 'postgres'] as const) ports[name] = await freePort();
  // The embedded server, whatever the suite itself runs on: that is what `npm start` starts. No
  // inherited URL either (a subgraph's `<NAME>_URL` would send the gateway elsewhere).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_URL')));
  start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...env,
      APOLLO_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'info',
      ...Object.fromEntries(SERVICES.map((service) => [portVariable(service), String(ports[service])])),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      PARTNER_GRAPH_DATA_DIR: path.join(dir, 'postgres'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (chunk) => (output += chunk));
  start.stderr!.on('data', (chunk) => (output += chunk));
  exited = new Promise((resolve) => start.once('exit', (code) => resolve(code)));
  await vi.waitFor(
    () => {
      if (start.exitCode !== null) throw new Error(`npm start exited (${start.exitCode}):\n${output}`);
      expect(output).toMatch(new RegExp(`Gateway: +http://127\\.0\\.0\\.1:${ports.gateway}/graphql`));
    },
    { timeout: 150_000, interval: 250 },
  );

  const client = new pg.Client({ connectionString: `postgres://postgres:partner-graph@127.0.0.1:${ports.postgres}/partner_graph_partner` });
  await client.connect();
  const { rows } = await client.query<{ subject: string }>('SELECT subject FROM partner_user WHERE email = $1', [DEMO.users.contosoAgent.email]);
  await client.end();
  token = await signDevToken(rows[0]!.subject, { secret: DEV_JWT_SECRET });
}, 180_000);

afterAll(async () => {
  // Only when a test failed half-way: nothing of this run may outlive it.
  if (start?.exitCode === null) {
    const left = descendants(start.pid!);
    start.kill('SIGKILL');
    for (const pid of left.keys()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('listens on the ports it is given, restarts a killed subgraph while the others serve, and stops everything on Ctrl-C', async () => {
    onTestFailed(() => console.error(`npm start said:\n${output}`));
    expect(await query()).toEqual({ data: { me: { email: DEMO.users.contosoAgent.email }, subscription: { id: SUBSCRIPTION, quantity: expect.any(Number) } } });

    const killed = subgraphPid(start.pid!, 'subscription')!;
    process.kill(killed, 'SIGKILL');
    await expect.poll(query, { timeout: 10_000, interval: 100 }).toMatchObject({
      data: { me: { email: DEMO.users.contosoAgent.email }, subscription: null },
      errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'subscription' } }],
    });

    await expect.poll(query, { timeout: 60_000, interval: 250 }).toEqual({
      data: { me: { email: DEMO.users.contosoAgent.email }, subscription: { id: SUBSCRIPTION, quantity: expect.any(Number) } },
    });
    expect(subgraphPid(start.pid!, 'subscription')).not.toBe(killed);

    const running = descendants(start.pid!);
    expect([...running.values()].filter((args) => /index\.ts/.test(args))).toHaveLength(SERVICES.length);
    expect([...running.values()].some((args) => args.includes(`-p ${ports.postgres}`))).toBe(true);
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    // A helper of a service (esbuild's) ends when it sees its parent gone, a moment later.
    await expect.poll(() => [...running].filter(([pid]) => alive(pid)), { timeout: 5_000 }).toEqual([]);
    expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
