import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import './provided-context.js';
import type { DataSource } from 'typeorm';
import {
  CONTEXT_HEADER,
  createLogger,
  databaseUrlFor,
  dropDatabase,
  DEV_JWT_SECRET,
  loadGatewayConfig,
  loadTestConfig,
  openDatabase,
  ROUTER_PROOF_EXTENSION,
  ServiceClient,
  createRuntime,
  signContext,
  signDevToken,
  signRouterProof,
  SUBGRAPHS,
  envPrefix,
  TestClock,
  ViewerContextDocument,
  type ListeningServer,
  type QueryCounter,
  type SubgraphName,
  type EventSettings,
  type SubgraphRuntime,
  type Viewer,
} from '@partner-graph/platform';
import { createGateway } from '@partner-graph/gateway';
import { MODULES } from '../scripts/subgraphs.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const SECRET = 'partner-graph-test-internal-secret-0123456789';
/** The router's `hmacSignature` secret (our gateway's, and Hive Gateway's in the Hive test). */
export const ROUTER_SECRET = 'partner-graph-test-router-secret-0123456789';

export interface RunningSubgraph {
  url: string;
  db: DataSource;
  queries: QueryCounter;
  runtime: SubgraphRuntime;
  server: ListeningServer | null;
  /** Stops the subgraph's HTTP server (its database stays), as if the process died. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] | undefined;
}

export interface Stack {
  gatewayUrl: string;
  clock: TestClock;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** A query through the gateway; `as` is a demo user's email (a dev token is made), `null` for none. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { as?: string | null; token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  tokenFor(email: string): Promise<string>;
  /**
   * A request straight to a subgraph. As the router (`issuer: 'router'`, the default): with the
   * router's proof over the document and variables (`signature`: none, or with another secret)
   * and the token of `as` or of `viewer`'s user. As a service (`issuer`: a subgraph's name):
   * the service's signed identity for `viewer`.
   */
  subgraphRequest(
    name: SubgraphName,
    query: string,
    options?: {
      viewer?: Viewer;
      as?: string;
      issuer?: string;
      signature?: 'none' | 'forged';
      variables?: Record<string, unknown>;
      headers?: Record<string, string>;
    },
  ): Promise<GraphQLResponse>;
  /** The viewer a demo user has, for direct subgraph calls. */
  viewerOf(email: string): Promise<Viewer>;
  /** The proxy in front of `proxiedDatabase`'s database, when asked for. */
  databaseProxy: TcpProxy | null;
  stop(): Promise<void>;
}

/**
 * The whole federation in this process: one fresh database per subgraph on the run's
 * PostgreSQL server, every subgraph and the gateway on port 0, the demo data seeded.
 */
export interface StackOptions {
  seed?: boolean;
  workers?: boolean;
  clock?: TestClock;
  rateLimitPerMinute?: number;
  /** The production budgets of customer-facing link acceptances; by default a test may accept as often as it likes. */
  productionAcceptanceLimits?: boolean;
  /** Extra gateway settings, e.g. AUTH_JWKS_URL. */
  gatewayEnv?: Record<string, string>;
  /** The PostgreSQL server; inside Vitest, the one the global setup started. */
  databaseServerUrl?: string;
  /** Event relay and webhook delivery; by default fast polling and loopback receivers allowed. */
  events?: EventSettings;
  /** Deadline of subgraph and service-to-service calls (the production default is 5 s). */
  subgraphTimeoutMs?: number;
  /** Reaches this subgraph's database through a TCP proxy the test can cut (`stack.databaseProxy`). */
  proxiedDatabase?: SubgraphName;
  /** The subgraphs also accept this static router credential (`ROUTER_STATIC_TOKEN`). */
  routerStaticToken?: string;
}

const templates = new Map<string, Promise<string>>();
/** The run's id inside a Vitest worker; none in a script (`npm run bench`), where `inject` throws. */
function testRunId(): string | undefined {
  try {
    return inject('testRunId');
  } catch {
    return undefined;
  }
}

/**
 * The name of a database holding `name`'s migrated schema and demo data as the test clock's
 * start sees them, made once per run on `serverUrl` (by whichever worker asks first, the others
 * waiting on an advisory lock): a stack copies it (`CREATE DATABASE … TEMPLATE`) instead of
 * migrating and seeding each subgraph's database again.
 */
function demoTemplate(serverUrl: string, runId: string, name: SubgraphName): Promise<string> {
  const template = `${runId}_demo_${name.replace('-', '_')}`;
  const key = `${serverUrl} ${template}`;
  if (!templates.has(key)) {
    templates.set(
      key,
      withAdmin(serverUrl, async (admin) => {
        await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
        try {
          const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
          if (rowCount === 0) {
            const module = MODULES[name];
            const { dataSource } = await openDatabase({
              url: databaseUrlFor(serverUrl, template),
              entities: module.entities,
              migrations: module.migrations,
              logger: createLogger(name, 'silent'),
            });
            await module.seedDemo(dataSource, new TestClock());
            await dataSource.destroy(); // a template must have no connection when it is copied
          }
        } finally {
          await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
        }
        return template;
      }),
    );
  }
  return templates.get(key)!;
}

async function withAdmin<T>(serverUrl: string, run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const serverUrl = options.databaseServerUrl ?? inject('databaseServerUrl');
  const logLevel = loadTestConfig().LOG_LEVEL;
  const clock = options.clock ?? new TestClock();
  const runId = testRunId();
  const run = `t${randomBytes(4).toString('hex')}`;
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, 'http://127.0.0.1:1/unset'])) as Record<SubgraphName, string>;
  const subgraphs = {} as Record<SubgraphName, RunningSubgraph>;
  const stopWorkers: (() => Promise<void>)[] = [];
  // A loaded CI machine is slow: tests keep a generous deadline unless they test it.
  options = { ...options, subgraphTimeoutMs: options.subgraphTimeoutMs ?? 15_000 };
  const server = new URL(serverUrl);
  const databaseProxy = options.proxiedDatabase ? await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) }) : null;

  // The production viewer cache (30 s), read on the test clock: a test that changes a user or
  // the partner's programs moves the clock past it (`stack.clock.advance`) instead of waiting.
  // The rate limit counts in the gateway's own database, as in production. The subgraphs
  // verify tokens by the gateway's rules (a JWKS test sets them for both).
  const gatewayDatabaseUrl = databaseUrlFor(serverUrl, `${run}_gateway`);
  const subgraphDatabaseUrl = (name: SubgraphName) => databaseUrlFor(serverUrl, `${run}_${name.replace('-', '_')}`);
  const gatewayConfig = loadGatewayConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: logLevel,
    ROUTER_SIGNING_SECRET: ROUTER_SECRET,
    GATEWAY_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1_000_000),
    ...(options.productionAcceptanceLimits
      ? {}
      : { ACCEPTANCES_PER_ADDRESS_PER_HOUR: '1000000', ACCEPTANCES_PER_LINK_PER_HOUR: '1000000' }),
    GATEWAY_DATABASE_URL: gatewayDatabaseUrl,
    // The answer cache hears each subgraph database's changes, as in production.
    ...Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_DATABASE_URL`, subgraphDatabaseUrl(name)])),
    SUBGRAPH_TIMEOUT_MS: String(options.subgraphTimeoutMs),
    ...options.gatewayEnv,
  });

  await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const module = MODULES[name];
      const logger = createLogger(name, logLevel);
      const databaseUrl = subgraphDatabaseUrl(name);
      const connectUrl = new URL(databaseUrl);
      if (databaseProxy && name === options.proxiedDatabase) {
        connectUrl.hostname = '127.0.0.1';
        connectUrl.port = String(databaseProxy.port);
      }
      // The demo data as of the clock's start is copied from the run's template. Outside Vitest
      // (`npm run bench`) there is no run to own a template: the stack seeds its databases.
      const fromTemplate = runId !== undefined && options.seed !== false && clock.now().getTime() === new TestClock().now().getTime();
      if (fromTemplate) {
        const template = await demoTemplate(serverUrl, runId, name);
        await withAdmin(serverUrl, (admin) =>
          admin.query(
            `CREATE DATABASE ${pg.escapeIdentifier(new URL(databaseUrl).pathname.slice(1))} TEMPLATE ${pg.escapeIdentifier(template)}`,
          ),
        );
      }
      const { dataSource: db, queries } = await openDatabase({
        url: connectUrl.toString(),
        entities: module.entities,
        migrations: module.migrations,
        logger,
        // Two stacks of a run (two test files at once) share a server of 100 connections, with the
        // gateway's five LISTENs each: 6 for queries and 2 for the job queue per subgraph.
        poolSize: 6,
      });
      const runtime = createRuntime({
        name,
        db,
        databaseUrl,
        clock,
        logger,
        urls,
        subgraphTimeoutMs: options.subgraphTimeoutMs,
        secret: SECRET,
        trust: {
          router: { signingSecret: ROUTER_SECRET, staticToken: options.routerStaticToken },
          auth: gatewayConfig.auth,
          viewerCacheMs: 30_000,
        },
        publicAcceptUrl: 'https://partner-graph.example/accept',
        events: { allowPrivateAddresses: true, pollingIntervalSeconds: 0.5, ...options.events },
        jobQueueConnections: 2,
      });
      if (options.seed !== false && !fromTemplate) await module.seedDemo(db, clock);
      let port = 0;
      const entry: RunningSubgraph = {
        url: '',
        db,
        queries,
        runtime,
        server: null,
        kill: async () => {
          await entry.server?.close();
          entry.server = null;
        },
        restart: async () => {
          entry.server = await (await module.create(runtime)).listen(port);
        },
      };
      entry.server = await (await module.create(runtime)).listen(0);
      port = entry.server.port;
      entry.url = entry.server.url;
      urls[name] = entry.url;
      subgraphs[name] = entry;
    }),
  );
  if (options.workers) {
    const started = await Promise.all(SUBGRAPHS.map(async (name) => MODULES[name].startWorkers?.(subgraphs[name].runtime)));
    for (const stopOne of started) if (stopOne) stopWorkers.push(stopOne);
  }

  const supergraphSdl = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
  const gateway = await createGateway({
    config: gatewayConfig,
    supergraphSdl,
    subgraphUrls: urls,
    logger: createLogger('gateway', logLevel),
    clock,
  });
  const gatewayServer = await gateway.listen(0);

  const subjects = new Map<string, string>();
  const subjectOf = async (email: string): Promise<string> => {
    if (!subjects.has(email)) {
      const rows: { subject: string }[] = await subgraphs.partner.db.query(
        'SELECT subject FROM partner_user WHERE lower(email) = lower($1)',
        [email],
      );
      if (!rows[0]) throw new Error(`No partner user ${email}`);
      subjects.set(email, rows[0].subject);
    }
    return subjects.get(email)!;
  };
  const tokenFor = async (email: string) => signDevToken(await subjectOf(email), { secret: DEV_JWT_SECRET });

  const post = async (url: string, body: unknown, headers: Record<string, string>): Promise<GraphQLResponse> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json: { data?: any; errors?: GraphQLResponse['errors'] } = {};
    try {
      json = JSON.parse(text);
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: response.status, data: json.data, errors: json.errors };
  };

  const stack: Stack = {
    gatewayUrl: gatewayServer.url,
    databaseProxy,
    clock,
    subgraphs,
    tokenFor,
    async graphql(query, variables = {}, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token ?? (opts.as ? await tokenFor(opts.as) : undefined);
      if (token) headers.authorization = `Bearer ${token}`;
      return post(gatewayServer.url, { query, variables }, headers) as never;
    },
    async viewerOf(email) {
      const data = await new ServiceClient({ issuer: 'test', secret: SECRET, urls }).call(
        'partner',
        ViewerContextDocument,
        { subject: await subjectOf(email) },
        { viewer: { kind: 'system' }, requestId: 'test' },
      );
      return { kind: 'partner-user', ...data.viewerContext } as Viewer;
    },
    async subgraphRequest(name, query, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const variables = opts.variables ?? {};
      const secret = opts.signature === 'forged' ? 'not-the-shared-secret-but-long-enough-0000' : undefined;
      if ((opts.issuer ?? 'router') !== 'router') {
        if (opts.signature !== 'none') {
          headers[CONTEXT_HEADER] = await signContext(
            { viewer: opts.viewer ?? { kind: 'system' }, requestId: 'test', issuer: opts.issuer! },
            secret ?? SECRET,
          );
        }
        return post(subgraphs[name].url, { query, variables }, headers);
      }
      // A router sends the user's token, never a viewer: the subgraph resolves it.
      let token = opts.as ? await tokenFor(opts.as) : undefined;
      if (!token && opts.viewer?.kind === 'partner-user') {
        const rows: { subject: string }[] = await subgraphs.partner.db.query('SELECT subject FROM partner_user WHERE id = $1', [
          opts.viewer.userId,
        ]);
        token = await signDevToken(rows[0]!.subject, { secret: DEV_JWT_SECRET });
      }
      if (token) headers.authorization = `Bearer ${token}`;
      const extensions =
        opts.signature === 'none' ? {} : { [ROUTER_PROOF_EXTENSION]: signRouterProof(secret ?? ROUTER_SECRET, { query, variables }) };
      return post(subgraphs[name].url, { query, variables, extensions }, headers);
    },
    async stop() {
      await Promise.all(stopWorkers.map((stopOne) => stopOne()));
      await gatewayServer.close();
      await dropDatabase(gatewayDatabaseUrl);
      await databaseProxy?.restore().catch(() => {});
      for (const name of SUBGRAPHS) {
        await subgraphs[name].server?.close();
        const url = databaseUrlFor(serverUrl, `${run}_${name.replace('-', '_')}`);
        await subgraphs[name].db.destroy();
        await dropDatabase(url);
      }
      await databaseProxy?.close();
    },
  };
  return stack;
}
