import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent, request } from 'undici';
import {
  createLogger,
  databaseUrlFor,
  DEMO,
  DEV_JWT_SECRET,
  dropDatabase,
  envPrefix,
  loadScriptConfig,
  subgraphDatabaseName,
  SUBGRAPHS,
  type SubgraphName,
  freePort,
} from '@partner-graph/platform';
import { scratchPostgres } from './embedded-postgres.js';
import { signDevToken } from '@partner-graph/platform';
import { REPO_ROOT } from './database-server.js';
import { seedDemoData } from './seed.js';
import { serviceArgs, Supervisor } from './supervisor.js';

/**
 * `npm run soak [-- --seconds 60 --warmup 15 --concurrency 10 --max-requests 200000 --idle 20]`:
 * every service in its own process on loopback ports, a sustained mix of queries through the
 * gateway (signed-in pages spanning several subgraphs, anonymous calls with ever-new operation
 * names, input mistakes), and each process's resident memory after the warm-up and at the end.
 * Then, with nothing to do for `--idle` seconds (after 10 s to settle), what each service costs
 * idle: its CPU, the database connections it opened (PostgreSQL's session counter, 14+) and its
 * transactions per minute (a statement outside a transaction is one).
 * Bounded in time and in requests. Uses DATABASE_URL when set (databases partner_graph_soak_*,
 * dropped after), otherwise a throwaway embedded server.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '10' },
    'max-requests': { type: 'string', default: '200000' },
    idle: { type: 'string', default: '20' },
  },
});
const idleSeconds = Math.min(Number(values.idle), 600);
const seconds = Math.min(Number(values.seconds), 600);
const warmup = Math.min(Number(values.warmup), 120);
const concurrency = Math.min(Number(values.concurrency), 64);
const maxRequests = Number(values['max-requests']);

const config = loadScriptConfig();
const logger = createLogger('soak', 'warn');
const { url: serverUrl, stop: stopDatabase } = await scratchPostgres(config.DATABASE_URL, 'soak');
const databases = Object.fromEntries(
  SUBGRAPHS.map((name) => [name, databaseUrlFor(serverUrl, subgraphDatabaseName(name, 'partner_graph_soak'))]),
) as Record<SubgraphName, string>;
const gatewayDatabase = databaseUrlFor(serverUrl, 'partner_graph_soak_gateway');
await seedDemoData({ urls: databases, gatewayUrl: gatewayDatabase, embedded: false, stop: async () => {} }, logger);

const ports = Object.fromEntries(await Promise.all([...SUBGRAPHS, 'gateway'].map(async (name) => [name, await freePort()]))) as Record<
  SubgraphName | 'gateway',
  number
>;
const env: Record<string, string> = {
  APOLLO_TELEMETRY_DISABLED: '1',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  GATEWAY_PORT: String(ports.gateway),
  GATEWAY_DATABASE_URL: gatewayDatabase,
  // The soak measures memory, not the limiter's refusals.
  GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
  ...Object.fromEntries(
    SUBGRAPHS.flatMap((name) => [
      [`${envPrefix(name)}_URL`, `http://127.0.0.1:${ports[name]}/graphql`],
      [`${envPrefix(name)}_PORT`, String(ports[name])],
      [`${envPrefix(name)}_DATABASE_URL`, databases[name]],
    ]),
  ),
};
// A crash is fatal: the next reading of the processes says which one stopped.
const supervisor = new Supervisor({ cwd: REPO_ROOT, logger, stopTimeoutMs: 10_000, restart: false });
const launch = (name: SubgraphName | 'gateway') =>
  supervisor.start({ name, args: serviceArgs(name), env, healthUrl: `http://127.0.0.1:${ports[name]}/health` });
const stopAll = async () => {
  await supervisor.stop();
  if (config.DATABASE_URL) for (const url of [...Object.values(databases), gatewayDatabase]) await dropDatabase(url);
  await stopDatabase();
};

/** Each process's resident memory, in MB. */
const memory = () => Object.fromEntries([...supervisor.usage()].map(([name, usage]) => [name, usage.rssMb]));
/** CPU seconds each process has used (user + system). */
const cpuSeconds = () => Object.fromEntries([...supervisor.usage()].map(([name, usage]) => [name, usage.cpuMs / 1000]));
/** Each service's database: the connections opened since the server started, and its transactions. */
const databaseOf: Record<string, string> = {
  ...Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphDatabaseName(name, 'partner_graph_soak')])),
  gateway: 'partner_graph_soak_gateway',
};
async function databaseCounters(): Promise<Record<string, { sessions: number; transactions: number }>> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT datname, sessions::float AS sessions, (xact_commit + xact_rollback)::float AS transactions FROM pg_stat_database WHERE datname = ANY($1)`,
      [Object.values(databaseOf)],
    );
    return Object.fromEntries(
      Object.entries(databaseOf).map(([service, database]) => [
        service,
        rows.find((row) => row.datname === database) ?? { sessions: 0, transactions: 0 },
      ]),
    );
  } finally {
    await client.end();
  }
}
/** What each service costs with nothing to do: CPU (% of a core), connections opened, transactions per minute. */
async function idleCost(seconds: number) {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const cpuBefore = cpuSeconds();
  const before = await databaseCounters();
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (Date.now() - from) / 1000;
  const after = await databaseCounters();
  const cpuAfter = cpuSeconds();
  console.log(`
Idle for ${Math.round(elapsed)} s (after 10 s to settle); the counters' own connection is not counted`);
  console.log(`${'service'.padEnd(14)}${'CPU %'.padStart(8)}${'new conns'.padStart(11)}${'xact/min'.padStart(10)}`);
  for (const name of Object.keys(cpuAfter)) {
    const cpu = ((cpuAfter[name]! - cpuBefore[name]!) / elapsed) * 100;
    // The counters' own session is one of the database server's, never of a service database.
    const opened = after[name]!.sessions - before[name]!.sessions;
    const transactions = ((after[name]!.transactions - before[name]!.transactions) / elapsed) * 60;
    console.log(`${name.padEnd(14)}${cpu.toFixed(1).padStart(8)}${String(opened).padStart(11)}${transactions.toFixed(0).padStart(10)}`);
  }
}

try {
  await Promise.all(SUBGRAPHS.map(launch));
  await launch('gateway');

  const token = await signDevToken(DEMO.users.contosoAgent.email, { secret: config.AUTH_JWT_SECRET, ttlSeconds: 3600 });
  const signedIn = { authorization: `Bearer ${token}` };
  let sequence = 0;
  const mix: (() => { query: string; headers: Record<string, string> })[] = [
    () => ({
      query:
        'query CustomersPage { customers(first: 20) { edges { node { id companyName users { id } subscriptions { id quantity offer { name } } } } } }',
      headers: signedIn,
    }),
    () => ({ query: 'query Me { me { email partner { companyName programs } } }', headers: signedIn }),
    () => ({ query: 'query Audit { auditRecords(first: 20) { edges { node { id operation } } } }', headers: signedIn }),
    // A new operation name reaches the subgraphs too (the gateway's plans and their documents carry it).
    () => ({ query: `query Offers${sequence++} { offers(first: 5) { edges { node { id name } } } }`, headers: signedIn }),
    // Every anonymous call a new operation name: what an attacker does to the metrics.
    () => ({ query: `query Probe${sequence++} { __typename }`, headers: {} }),
    () => ({ query: 'query Mistake { customers(first: 1000) { edges { cursor } } }', headers: signedIn }),
  ];
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const url = `http://127.0.0.1:${ports.gateway}/graphql`;
  const counts = { requests: 0, httpErrors: 0, failures: 0 };
  const run = async (until: number) => {
    const worker = async () => {
      while (Date.now() < until && counts.requests < maxRequests) {
        const { query, headers } = mix[counts.requests % mix.length]!();
        counts.requests++;
        try {
          const response = await request(url, {
            method: 'POST',
            dispatcher: agent,
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ query }),
          });
          await response.body.text();
          if (response.statusCode >= 500) counts.httpErrors++;
        } catch {
          counts.failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };

  const started = memory();
  await run(Date.now() + warmup * 1000);
  const afterWarmup = memory();
  const warmupRequests = counts.requests;
  const measuredFrom = Date.now();
  await run(measuredFrom + seconds * 1000);
  const end = memory();
  const measured = counts.requests - warmupRequests;
  console.log(`\nSoak: ${concurrency} concurrent, ${warmup} s warm-up + ${seconds} s (max ${maxRequests} requests)`);
  console.log(
    `requests ${counts.requests} (${Math.round(measured / ((Date.now() - measuredFrom) / 1000))}/s after warm-up), HTTP 5xx ${counts.httpErrors}, failed ${counts.failures}`,
  );
  console.log(`${'RSS MB'.padEnd(14)}${'start'.padStart(8)}${'warm'.padStart(8)}${'end'.padStart(8)}${'growth'.padStart(8)}`);
  for (const name of Object.keys(end)) {
    console.log(
      `${name.padEnd(14)}${String(started[name]).padStart(8)}${String(afterWarmup[name]).padStart(8)}${String(end[name]).padStart(8)}${String(end[name]! - afterWarmup[name]!).padStart(8)}`,
    );
  }
  await agent.close();
  if (idleSeconds > 0) await idleCost(idleSeconds);
} finally {
  await stopAll();
}
