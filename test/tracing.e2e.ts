import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import './provided-context.js';
import { databaseUrlFor, dropDatabase, DEMO, DEV_JWT_SECRET, envPrefix, SUBGRAPHS, type SubgraphName, freePort } from '@partner-graph/platform';
import { signDevToken } from '@partner-graph/platform';

// `npm start` as an operator runs it, with an OTLP/HTTP receiver on 127.0.0.1: one query's
// trace must cross the gateway, the subgraphs it calls and their SQL. Processes, not the
// in-process stack, because instrumentation hooks modules as a process loads them.
const root = path.resolve(import.meta.dirname, '..');

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
let start: ChildProcess;
const run = `trace${randomBytes(3).toString('hex')}`;
const databaseUrls = {} as Record<SubgraphName, string>;
const ports = {} as Record<SubgraphName | 'gateway', number>;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (value: OtlpValue) => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;

/** OTLP/HTTP with JSON bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/json): what each service exports. */
function collect(body: string): void {
  const request = JSON.parse(body) as {
    resourceSpans: {
      resource: { attributes: { key: string; value: OtlpValue }[] };
      scopeSpans: { scope: { name: string }; spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: OtlpValue }[] }[] }[];
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

  const serverUrl = inject('databaseServerUrl');
  const env: Record<string, string> = {
    DATABASE_URL: serverUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'info',
  };
  for (const name of ['gateway', ...SUBGRAPHS] as const) ports[name] = await freePort();
  env.GATEWAY_PORT = String(ports.gateway);
  for (const name of SUBGRAPHS) {
    databaseUrls[name] = databaseUrlFor(serverUrl, `${run}_${name.replace('-', '_')}`);
    env[`${envPrefix(name)}_DATABASE_URL`] = databaseUrls[name];
    env[`${envPrefix(name)}_PORT`] = String(ports[name]);
  }
  start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_URL'))), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  start.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  await new Promise<void>((resolve, reject) => {
    let pending = '';
    start.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.includes('Partner Graph is running')) resolve();
        if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    // The services' own log lines say why, when it does not come up.
    const recent = () => logLines.slice(-30).map((line) => JSON.stringify(line)).join('\n');
    start.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${errors}\nlast log lines:\n${recent()}`)));
  });
}, 180_000);

afterAll(async () => {
  if (start && start.exitCode === null) {
    const exited = new Promise((resolve) => start.once('exit', resolve));
    start.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => receiver?.close(resolve));
  for (const url of Object.values(databaseUrls)) await dropDatabase(url);
}, 60_000);

const QUERY = 'query TraceProbe { customers(first: 5) { edges { node { companyName subscriptions { allowedActions offer { name } } } } } }';

describe('tracing under npm start', () => {
  it('one query is one trace: gateway, customer, subscription and offer spans, SQL beneath each subgraph, trace ids in the logs', async () => {
    const client = new pg.Client({ connectionString: databaseUrls.partner });
    await client.connect();
    const [{ subject }] = (await client.query('SELECT subject FROM partner_user WHERE lower(email) = lower($1)', [DEMO.users.contosoAdmin.email])).rows;
    await client.end();
    const token = await signDevToken(subject, { secret: DEV_JWT_SECRET });

    const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { data?: { customers: { edges: { node: { subscriptions: { offer: { name: string } }[] } }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.customers.edges.flatMap(({ node }) => node.subscriptions).length).toBeGreaterThan(0);

    // The gateway's server span is the root of the request's trace.
    const requestRoot = () => spans.find((span) => span.service === 'gateway' && span.parentSpanId === '' && span.name === 'POST /graphql');
    await expect.poll(() => requestRoot(), { timeout: 30_000 }).toBeDefined();
    const traceId = requestRoot()!.traceId;
    const trace = () => spans.filter((span) => span.traceId === traceId);
    const sqlOf = (service: string) => trace().filter((span) => span.service === service && span.attributes['db.system.name'] === 'postgresql');
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
    await expect.poll(() => trace().every((span) => span === requestRoot() || ancestry(span).at(-1) === requestRoot()), { timeout: 30_000 }).toBe(true);
    expect([...new Set(trace().map((span) => span.service))]).toEqual(expect.arrayContaining(['gateway', 'customer', 'subscription', 'offer']));
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
    const calledByService = trace().filter((span) => span.service === 'offer' && span.scope.includes('http') && parentOf(span)?.service === 'subscription');
    expect(calledByService.length).toBeGreaterThan(0);

    // The subgraphs' access-log lines of this request carry its trace id.
    for (const service of ['customer', 'subscription', 'offer']) {
      await expect.poll(() => logLines.some((line) => line.service === service && line.msg === 'graphql operation' && line.trace_id === traceId)).toBe(true);
    }
  });
});
