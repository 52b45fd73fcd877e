import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import { DEMO, DEV_JWT_SECRET, portVariable, SERVICES, type ServiceName, freePort } from '@partner-graph/platform';
import { signDevToken } from '@partner-graph/platform';

// `npm start` as a person runs it, on its own ports and data folder beside any other instance,
// with an OTLP/HTTP receiver on 127.0.0.1 as an operator adds one: one query's trace crosses the
// gateway, the subgraphs it calls and their SQL; a subgraph killed with SIGKILL costs only its
// fields until it is back; Ctrl-C stops everything. Processes, not the in-process stack: that is
// what `npm start` runs, and instrumentation hooks modules as a process loads them. One start
// serves both tests (a start costs six processes loading TypeScript).
const REPO_ROOT = path.resolve(import.meta.dirname, '..');
// `history` is never kept by the gateway's answer cache: each read asks the subscription subgraph.
const QUERY = `query($id: ID!) { me { email } subscription(id: $id) { id quantity history { action } } }`;
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
let adminToken: string;

interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

const spans: ReceivedSpan[] = [];
const logLines: Record<string, unknown>[] = [];
let receiver: http.Server;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (value: OtlpValue) => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;

/** OTLP/HTTP with JSON bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/json): what each service exports. */
function collect(body: string): void {
  const request = JSON.parse(body) as {
    resourceSpans: {
      resource: { attributes: { key: string; value: OtlpValue }[] };
      scopeSpans: {
        scope: { name: string };
        spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: OtlpValue }[] }[];
      }[];
    }[];
  };
  for (const resourceSpans of request.resourceSpans) {
    const service = String(valueOf(resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')!.value));
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        spans.push({
          service,
          scope: scopeSpans.scope.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          attributes: Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, valueOf(value)])),
        });
      }
    }
  }
}

async function query(): Promise<{ data?: any; errors?: { extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { id: SUBSCRIPTION } }),
  });
  return (await response.json()) as never;
}

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') collect(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.address() as { port: number }).port;

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
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...Object.fromEntries(SERVICES.map((service) => [portVariable(service), String(ports[service])])),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      PARTNER_GRAPH_DATA_DIR: path.join(dir, 'postgres'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  start.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
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
  const subjectOf = async (email: string) =>
    (await client.query<{ subject: string }>('SELECT subject FROM partner_user WHERE email = $1', [email])).rows[0]!.subject;
  token = await signDevToken(await subjectOf(DEMO.users.contosoAgent.email), { secret: DEV_JWT_SECRET });
  adminToken = await signDevToken(await subjectOf(DEMO.users.contosoAdmin.email), { secret: DEV_JWT_SECRET });
  await client.end();
}, 180_000);

afterAll(async () => {
  // Only when a test failed half-way: nothing of this run may outlive it.
  if (start?.exitCode === null) {
    const left = descendants(start.pid!);
    start.kill('SIGKILL');
    for (const pid of left.keys()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await new Promise((resolve) => receiver?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TRACE_QUERY =
  'query TraceProbe { customers(first: 5) { edges { node { companyName subscriptions { allowedActions offer { name } } } } } }';

describe('tracing under npm start', () => {
  // First: the other test stops npm start.
  it('one query is one trace: gateway, customer, subscription and offer spans, SQL beneath each subgraph, trace ids in the logs', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: TRACE_QUERY }),
    });
    const body = (await response.json()) as {
      data?: { customers: { edges: { node: { subscriptions: { offer: { name: string } }[] } }[] } };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data!.customers.edges.flatMap(({ node }) => node.subscriptions).length).toBeGreaterThan(0);

    // The gateway's server span is the root of the request's trace.
    const requestRoot = () => spans.find((span) => span.service === 'gateway' && span.parentSpanId === '' && span.name === 'POST /graphql');
    await expect.poll(() => requestRoot(), { timeout: 30_000 }).toBeDefined();
    const traceId = requestRoot()!.traceId;
    const trace = () => spans.filter((span) => span.traceId === traceId);
    const sqlOf = (service: string) =>
      trace().filter((span) => span.service === service && span.attributes['db.system.name'] === 'postgresql');
    await expect
      .poll(() => ['customer', 'subscription', 'offer'].every((service) => sqlOf(service).length > 0), { timeout: 30_000 })
      .toBe(true);

    const ancestry = (span: ReceivedSpan): ReceivedSpan[] => {
      const byId = new Map(trace().map((each) => [each.spanId, each]));
      const chain: ReceivedSpan[] = [];
      for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) chain.push(at);
      return chain;
    };
    // Every span of the request hangs from the gateway's root: no trace broke at a hop (spans
    // arrive in each process's export batches, so a parent may come after its child).
    await expect
      .poll(() => trace().every((span) => span === requestRoot() || ancestry(span).at(-1) === requestRoot()), { timeout: 30_000 })
      .toBe(true);
    expect([...new Set(trace().map((span) => span.service))]).toEqual(
      expect.arrayContaining(['gateway', 'customer', 'subscription', 'offer']),
    );
    for (const service of ['customer', 'subscription', 'offer']) {
      // SQL under the subgraph's own GraphQL work, itself under the gateway's call to it.
      for (const sql of sqlOf(service)) {
        const chain = ancestry(sql);
        expect(chain.some((span) => span.service === service && span.scope.includes('graphql'))).toBe(true);
        expect(chain.some((span) => span.service === 'gateway')).toBe(true);
      }
    }

    // A service-to-service call (the subscription subgraph asking the offer subgraph whether the
    // viewer's partner may sell the offers, for allowedActions, with the service client) continues the same trace.
    const parentOf = (span: ReceivedSpan) => trace().find((each) => each.spanId === span.parentSpanId);
    const calledByService = trace().filter(
      (span) => span.service === 'offer' && span.scope.includes('http') && parentOf(span)?.service === 'subscription',
    );
    expect(calledByService.length).toBeGreaterThan(0);

    // The subgraphs' access-log lines of this request carry its trace id.
    for (const service of ['customer', 'subscription', 'offer']) {
      await expect
        .poll(() => logLines.some((line) => line.service === service && line.msg === 'graphql operation' && line.trace_id === traceId))
        .toBe(true);
    }
  });
});

describe('npm start', () => {
  it('listens on the ports it is given, restarts a killed subgraph while the others serve, and stops everything on Ctrl-C', async () => {
    onTestFailed(() => console.error(`npm start said:\n${output}`));
    expect(await query()).toEqual({
      data: {
        me: { email: DEMO.users.contosoAgent.email },
        subscription: { id: SUBSCRIPTION, quantity: expect.any(Number), history: expect.any(Array) },
      },
    });

    const killed = subgraphPid(start.pid!, 'subscription')!;
    process.kill(killed, 'SIGKILL');
    await expect.poll(query, { timeout: 10_000, interval: 100 }).toMatchObject({
      data: { me: { email: DEMO.users.contosoAgent.email }, subscription: null },
      errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'subscription' } }],
    });

    await expect.poll(query, { timeout: 60_000, interval: 250 }).toEqual({
      data: {
        me: { email: DEMO.users.contosoAgent.email },
        subscription: { id: SUBSCRIPTION, quantity: expect.any(Number), history: expect.any(Array) },
      },
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
