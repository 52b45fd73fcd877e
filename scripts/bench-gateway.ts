import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  createLogger,
  databaseUrlFor,
  DEMO,
  dropDatabase,
  envPrefix,
  generateTemporaryPassword,
  hashPassword,
  freePort,
  loadScriptConfig,
  openDatabase,
  ROUTER_TOKEN_HEADER,
  subgraphDatabaseName,
  SUBGRAPHS,
  systemClock,
  type SubgraphName,
} from '@partner-graph/platform';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { seedBulkCustomers } from '@partner-graph/customer/seed';
import { REPO_ROOT } from './database-server.js';
import { seedDemoData } from './seed.js';
import { MODULES } from './subgraphs.js';
import { serviceArgs, Supervisor } from './supervisor.js';

/**
 * `npm run bench:gateway [-- --duration 15 --rounds 2 --connections 20 --users 20 --warmup 2 --workloads … --targets … --cpu-prof DIR]`:
 * our gateway and Hive Gateway with its Rust query planner (scripts/hive-gateway.config.ts: at its
 * defaults, `hive`; without its merging of identical subgraph requests, `hive-no-dedup`; and, only
 * when asked with `--targets`, merging identical incoming requests as ours does,
 * `hive-inbound-dedup`), in front of the same subgraph processes and the same supergraph, and the
 * customer subgraph alone, loaded in turn by autocannon, round after round (interleaved). First the
 * many-users workloads: `--users` distinct Contoso partner users (agents and helpdesk agents,
 * made by the bench's seed), each connection signed in as one of them with its own token, so no
 * gateway can answer one user with another's execution; then the one-token workloads, every
 * connection the same user. Every response is compared with the expected body. Prints requests/s, latency,
 * the subgraph operations per request, the CPU each process spent per request (from /proc), and
 * the ratios ours / each Hive. Both gateways run with no rate limit
 * in the way (ours raised, Hive has none), in production mode with an ES256 identity provider of
 * the bench's own. Uses DATABASE_URL when set (databases
 * partner_graph_benchgw_*, dropped after), otherwise a throwaway embedded server. `--cpu-prof DIR`
 * writes V8 CPU profiles of the subgraphs and of our gateway there.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    connections: { type: 'string', default: '20' },
    users: { type: 'string', default: '20' },
    customers: { type: 'string', default: '100' },
    workloads: {
      type: 'string',
      default: 'users-dashboard-search,users-dashboard,users-customer-page,dashboard,dashboard-search,one-subgraph',
    },
    targets: { type: 'string', default: 'ours,hive,hive-no-dedup,subgraph' },
    'cpu-prof': { type: 'string' },
    /** Changes per second in a subgraph database while each measurement runs (0: none). */
    writes: { type: 'string', default: '0' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const userCount = Number(values.users);
const bulkCustomers = Number(values.customers);
const writesPerSecond = Number(values.writes);
if (!Number.isFinite(writesPerSecond) || writesPerSecond < 0) throw new Error('--writes must be 0 or more a second');
for (const [name, value] of Object.entries({ duration, warmup, rounds, connections, users: userCount, customers: bulkCustomers })) {
  if (!Number.isFinite(value) || value < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive number`);
}

// --- The workloads -----------------------------------------------------------------------------

interface Workload {
  name: string;
  title: string;
  /** The request bodies, sent in turn by every connection. */
  bodies: { query: string; variables: Record<string, unknown> }[];
  /** The customer subgraph answers it alone, too. */
  subgraphAlone: boolean;
  /** Each connection is one of the bench's many users (its own token); otherwise all are one user. */
  manyUsers: boolean;
}
const DASHBOARD = /* GraphQL */ `
  query Dashboard($search: String) {
    customers(first: 50, search: $search) {
      edges {
        node {
          id
          companyName
          defaultDomain
          country
          relationship
          provisioningState
          subscriptions {
            id
            quantity
            status
            offer {
              name
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
const ONE_SUBGRAPH = 'query Customers { customers(first: 50) { edges { node { id companyName } } } }';
/** A customer's page: the customer, its users, its subscriptions with their offer, what the viewer may do, and licences. */
const CUSTOMER_PAGE = /* GraphQL */ `
  query CustomerPage($id: ID!) {
    customer(id: $id) {
      id
      companyName
      defaultDomain
      country
      relationship
      provisioningState
      hasAdminRights
      primaryContact {
        firstName
        lastName
        email
        phone
      }
      address {
        line1
        city
        postalCode
        country
      }
      users {
        id
        displayName
        userName
        isAdmin
      }
      subscriptions {
        id
        friendlyName
        quantity
        status
        channel
        autoRenew
        endDate
        assignedLicences
        availableLicences
        allowedActions
        offer {
          id
          name
          sku
          minQuantity
          maxQuantity
          unitPrice
          currency
        }
        licenceAssignments {
          userId
          assignedAt
        }
      }
    }
  }
`;
/** The workloads; `searches`: the prefixes the varied ones cycle over; `pages`: the customers whose page is asked for. */
const ALL_WORKLOADS = (searches: string[], pages: string[]): Workload[] => [
  {
    name: 'users-dashboard-search',
    title: `${userCount} users: dashboard, \`search:\` over ${searches.length} prefixes`,
    bodies: searches.map((search) => ({ query: DASHBOARD, variables: { search } })),
    subgraphAlone: false,
    manyUsers: true,
  },
  {
    name: 'users-dashboard',
    title: `${userCount} users: dashboard, identical requests`,
    bodies: [{ query: DASHBOARD, variables: {} }],
    subgraphAlone: false,
    manyUsers: true,
  },
  {
    name: 'users-customer-page',
    title: `${userCount} users: customer page over ${pages.length} customers`,
    bodies: pages.map((id) => ({ query: CUSTOMER_PAGE, variables: { id } })),
    subgraphAlone: false,
    manyUsers: true,
  },
  {
    name: 'dashboard',
    title: 'one token: dashboard, identical requests',
    bodies: [{ query: DASHBOARD, variables: {} }],
    subgraphAlone: false,
    manyUsers: false,
  },
  {
    name: 'dashboard-search',
    title: `one token: dashboard, \`search:\` over ${searches.length} prefixes`,
    bodies: searches.map((search) => ({ query: DASHBOARD, variables: { search } })),
    subgraphAlone: false,
    manyUsers: false,
  },
  {
    name: 'one-subgraph',
    title: 'one token: one subgraph, `customers(first: 50) { id companyName }`',
    bodies: [{ query: ONE_SUBGRAPH, variables: {} }],
    subgraphAlone: true,
    manyUsers: false,
  },
];
const WORKLOAD_NAMES = ALL_WORKLOADS([], []).map((workload) => workload.name);
const chosen = values.workloads.split(',').map((name) => name.trim());
for (const name of chosen) if (!WORKLOAD_NAMES.includes(name)) throw new Error(`--workloads: one or more of ${WORKLOAD_NAMES.join(', ')}`);
const TARGETS = ['ours', 'hive', 'hive-no-dedup', 'hive-inbound-dedup', 'subgraph'] as const;
type Target = (typeof TARGETS)[number];
const chosenTargets = values.targets.split(',').map((name) => name.trim()) as Target[];
for (const name of chosenTargets) if (!TARGETS.includes(name)) throw new Error(`--targets: one or more of ${TARGETS.join(', ')}`);
/** The targets a workload is measured on: the customer subgraph alone only where it can answer alone. */
const targetsOf = (workload: Workload): Target[] =>
  TARGETS.filter((target) => chosenTargets.includes(target) && (target !== 'subgraph' || workload.subgraphAlone));

// --- The database and the data -----------------------------------------------------------------

const config = loadScriptConfig();
const logger = createLogger('bench-gateway', 'warn');

let serverUrl: string = config.DATABASE_URL ?? '';
let stopDatabase = async () => {};
const scratch = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-bench-gateway-'));
chmodSync(scratch, 0o755);
if (!serverUrl) {
  const server = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), persistent: false });
  serverUrl = server.url;
  stopDatabase = () => server.stop();
}
const databases = Object.fromEntries(
  SUBGRAPHS.map((name) => [name, databaseUrlFor(serverUrl, subgraphDatabaseName(name, 'partner_graph_benchgw'))]),
) as Record<SubgraphName, string>;
const gatewayDatabase = databaseUrlFor(serverUrl, 'partner_graph_benchgw_gateway');
const dropDatabases = async () => {
  for (const url of [...Object.values(databases), gatewayDatabase]) await dropDatabase(url);
};

/**
 * The demo data, `count` more Contoso customers with two subscriptions each (their admin holding
 * a licence of the first), and `users` more Contoso partner users, alternately agents (`FULL`)
 * and helpdesk agents (`LIMITED`), whose subject (the bench's identity provider's) is their
 * email. Returns those emails, the 12 most common first letters of Contoso's customers' names
 * (prefixes every search finds), and 12 Contoso customers for the customer page (the two demo
 * ones first).
 */
async function seed(count: number, users: number): Promise<{ emails: string[]; searches: string[]; pages: string[] }> {
  await dropDatabases(); // what an interrupted run left
  await seedDemoData({ urls: databases, gatewayUrl: gatewayDatabase, embedded: false, stop: async () => {} }, logger);
  const partner = await openDatabase({
    url: databases.partner,
    entities: MODULES.partner.entities,
    migrations: MODULES.partner.migrations,
    logger,
  });
  const customer = await openDatabase({
    url: databases.customer,
    entities: MODULES.customer.entities,
    migrations: MODULES.customer.migrations,
    logger,
  });
  const subscription = await openDatabase({
    url: databases.subscription,
    entities: MODULES.subscription.entities,
    migrations: MODULES.subscription.migrations,
    logger,
  });
  try {
    const emails = Array.from({ length: users }, (_, n) => `bench-user-${n + 1}@contoso-partner.example`);
    const now = systemClock.now();
    // They sign in with the bench's tokens only: one random password hash, never shown.
    const passwordHash = await hashPassword(generateTemporaryPassword());
    await partner.dataSource.getRepository('PartnerUser').insert(
      emails.map((email, n) => ({
        id: crypto.randomUUID(),
        partnerId: DEMO.partners.contoso,
        displayName: `Bench User ${n + 1}`,
        email,
        subject: email,
        companyRole: 'NONE',
        customerAccess: n % 2 === 0 ? 'FULL' : 'LIMITED',
        active: true,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      })),
    );
    const { run } = await seedBulkCustomers(customer.dataSource, systemClock, { partnerId: DEMO.partners.contoso, count });
    const ids: { id: string; adminId: string }[] = await customer.dataSource.query(
      `SELECT c.id, u.id AS "adminId" FROM customer c JOIN customer_user u ON u.customer_id = c.id AND u.is_admin WHERE c.default_domain LIKE $1 ORDER BY c.id`,
      [`%x${run}.onmicrosoft.com`],
    );
    const endDate = new Date(now.getTime() + 200 * 86_400_000);
    const rows = ids.flatMap(({ id }, n) =>
      [DEMO.offers.businessBasic, DEMO.offers.businessStandard].map((offerId, k) => ({
        id: crypto.randomUUID(),
        customerId: id,
        offerId,
        partnerId: DEMO.partners.contoso,
        channel: 'RESELLER',
        friendlyName: `Subscription ${n}-${k}`,
        quantity: 5 + ((n + k) % 20),
        status: 'ACTIVE',
        isTrial: false,
        termMonths: 12,
        billingCycle: 'MONTHLY',
        startDate: now,
        endDate,
        autoRenew: true,
        version: 1,
        renewedFromId: null,
        createdAt: new Date(now.getTime() + k),
        updatedAt: now,
      })),
    );
    await subscription.dataSource.getRepository('Subscription').insert(rows);
    await subscription.dataSource.query(
      `INSERT INTO licence_assignment (subscription_id, customer_user_id, assigned_at) SELECT s.id, a.admin_id, $2 FROM subscription s
       JOIN unnest($1::uuid[], $3::uuid[]) AS a(customer_id, admin_id) ON a.customer_id = s.customer_id WHERE s.friendly_name LIKE '% %-0'`,
      [ids.map(({ id }) => id), now, ids.map(({ adminId }) => adminId)],
    );
    await subscription.dataSource.query('ANALYZE subscription');
    await subscription.dataSource.query('ANALYZE licence_assignment');
    const letters: { letter: string }[] = await customer.dataSource.query(
      `SELECT lower(left(c.company_name, 1)) AS letter FROM customer c JOIN customer_partner p ON p.customer_id = c.id
       WHERE p.partner_id = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12`,
      [DEMO.partners.contoso],
    );
    const pages = [DEMO.customers.northwind, DEMO.customers.adventureWorks, ...ids.slice(0, 10).map(({ id }) => id)];
    return { emails, searches: letters.map(({ letter }) => letter).sort(), pages };
  } finally {
    await partner.dataSource.destroy();
    await customer.dataSource.destroy();
    await subscription.dataSource.destroy();
  }
}

// --- The processes -----------------------------------------------------------------------------

const ports = Object.fromEntries(
  await Promise.all(
    [...SUBGRAPHS, 'ours', 'hive', 'hive-no-dedup', 'hive-inbound-dedup', 'jwks'].map(async (name) => [name, await freePort()]),
  ),
) as Record<SubgraphName | Exclude<Target, 'subgraph'> | 'jwks', number>;
const subgraphUrl = (name: SubgraphName) => `http://127.0.0.1:${ports[name]}/graphql`;

// Production mode, as deployed (graphql-js, Express and the services skip their development
// checks): fresh secrets, and an identity provider of the bench's own that publishes its key.
const identity = { issuer: 'https://identity.bench.invalid/', audience: 'partner-graph', keys: await generateKeyPair('ES256') };
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(identity.keys.publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }] });
const jwksServer = http
  .createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks))
  .listen(ports.jwks, '127.0.0.1');
const internalSecret = randomBytes(32).toString('hex');
// The subgraph-alone target calls the customer subgraph as a router that cannot sign would.
const routerToken = randomBytes(32).toString('hex');
const env: Record<string, string> = {
  APOLLO_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  ROUTER_SIGNING_SECRET: randomBytes(32).toString('hex'),
  ROUTER_STATIC_TOKEN: routerToken,
  METRICS_TOKEN: randomBytes(16).toString('hex'),
  AUTH_JWKS_URL: `http://127.0.0.1:${ports.jwks}/jwks.json`,
  AUTH_ISSUER: identity.issuer,
  AUTH_AUDIENCE: identity.audience,
  // A saturated machine (a shared one) must not turn slow answers into timeouts.
  SUBGRAPH_TIMEOUT_MS: '30000',
  GATEWAY_PORT: String(ports.ours),
  GATEWAY_DATABASE_URL: gatewayDatabase,
  // The bench measures the gateway, not its limiter's refusals (one load generator, one user).
  GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000',
  ...Object.fromEntries(
    SUBGRAPHS.flatMap((name) => [
      [`${envPrefix(name)}_URL`, subgraphUrl(name)],
      [`${envPrefix(name)}_PORT`, String(ports[name])],
      [`${envPrefix(name)}_DATABASE_URL`, databases[name]],
    ]),
  ),
};
// A crash is fatal: the next CPU reading says which process stopped.
const supervisor = new Supervisor({
  cwd: REPO_ROOT,
  logger,
  stopTimeoutMs: 10_000,
  // Five services and two gateways starting at once on a saturated 2-core machine can take minutes.
  startupTimeoutMs: 300_000,
  restart: false,
});
const cpuProfile = (name: string) =>
  values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof']), '--cpu-prof-name', `${name}.cpuprofile`] : [];
const stopAll = async () => {
  await supervisor.stop();
  jwksServer.close();
  if (config.DATABASE_URL) await dropDatabases();
  await stopDatabase();
  rmSync(scratch, { recursive: true, force: true });
};

/** CPU time (user + system) each process has used so far, in ms. */
const cpuMs = () => Object.fromEntries([...supervisor.usage()].map(([name, usage]) => [name, usage.cpuMs]));

/** GraphQL operations all subgraphs have answered so far (their `graphql_operations_total`). */
async function subgraphOperations(): Promise<number> {
  const counts = await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const text = await (
        await fetch(`http://127.0.0.1:${ports[name]}/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
      ).text();
      return [...text.matchAll(/^graphql_operations_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

// --- One measurement ---------------------------------------------------------------------------

interface Measurement {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Responses that were not HTTP 200 with the expected body, plus connection errors and timeouts. */
  wrong: number;
  /** GraphQL operations the subgraphs answered per request (after the gateway merged what it could). */
  subgraphOperations: number;
  /** CPU ms per request, by process. */
  cpu: Record<string, number>;
}

/** One user of a measurement: its request headers, and the answer it expects to each body. */
interface BenchUser {
  headers: Record<string, string>;
  expected: unknown[];
}

/** Loads `url` with `bodies` for `seconds`; connection k is `users[k % users.length]`, and every answer is compared with what that user expects. */
async function measure(url: string, users: BenchUser[], bodies: Workload['bodies'], seconds: number): Promise<Measurement> {
  let wrong = 0;
  const requestsOf = (user: BenchUser) => {
    // Responses already found equal to the expected data, so each distinct body is parsed once.
    const good = bodies.map(() => new Set<string>());
    return bodies.map((body, i) => ({
      method: 'POST' as const,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...user.headers },
      onResponse: (status: number, text: string) => {
        if (status === 200 && good[i]!.has(text)) return;
        let data: unknown;
        try {
          const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
          data = parsed.errors ? undefined : parsed.data;
        } catch {
          data = undefined;
        }
        if (status === 200 && isDeepStrictEqual(data, user.expected[i])) good[i]!.add(text);
        else wrong++;
      },
    }));
  };
  const perUser = users.map(requestsOf);
  let connection = 0;
  const operationsBefore = await subgraphOperations();
  const writing = writesPerSecond > 0 ? startWriting() : null;
  const before = cpuMs();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: perUser[0],
    // Each connection is one user, from its first request on.
    setupClient: (client) => client.setRequests(perUser[connection++ % perUser.length]!),
  });
  const after = cpuMs();
  await writing?.stop();
  const operationsAfter = await subgraphOperations();
  const total = result.requests.total;
  return {
    requests: total,
    perSecond: total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    wrong: wrong + result.errors + result.timeouts,
    subgraphOperations: total > 0 ? (operationsAfter - operationsBefore) / total : NaN,
    cpu: Object.fromEntries(Object.keys(before).map((name) => [name, total > 0 ? (after[name]! - before[name]!) / total : NaN])),
  };
}

/**
 * `--writes` changes a second while a measurement runs, in the customer database, to a Fabrikam
 * customer no workload reads (its name, alternately with and without a trailing full stop): the
 * answers stay the same. Any change in a subgraph database empties our gateway's answer cache,
 * so this is what other partners' users and jobs writing cost it. The same for every target.
 */
function startWriting(): { stop(): Promise<void> } {
  const client = new pg.Client({ connectionString: databases.customer });
  const connected = client.connect();
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending
      .then(() => connected)
      .then(() =>
        client.query(
          `UPDATE customer SET company_name = CASE WHEN company_name LIKE '%.' THEN rtrim(company_name, '.') ELSE company_name || '.' END WHERE id = $1`,
          [DEMO.customers.alpineSkiHouse],
        ),
      )
      .then(() => undefined);
  }, 1000 / writesPerSecond);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      await client.end();
    },
  };
}

// --- The run -----------------------------------------------------------------------------------

const results = new Map<string, Measurement[]>(); // `${workload}/${target}` → one per round
try {
  console.log(`Seeding the demo data and ${bulkCustomers} more customers with two subscriptions each…`);
  const { emails, searches, pages } = await seed(bulkCustomers, userCount);
  const workloads = ALL_WORKLOADS(searches, pages).filter((workload) => chosen.includes(workload.name));
  // The services' secret is the subgraphs' alone: production refuses it in the gateway.
  await Promise.all(
    SUBGRAPHS.map((name) =>
      supervisor.start({
        name,
        args: serviceArgs(name, cpuProfile(name)),
        env: { ...env, INTERNAL_SIGNING_SECRET: internalSecret },
        healthUrl: `http://127.0.0.1:${ports[name]}/health`,
      }),
    ),
  );
  // The same supergraph for both gateways; Hive reads the subgraph URLs from it.
  let supergraph = readFileSync(path.join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  for (const name of SUBGRAPHS)
    supergraph = supergraph.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`), `$1${subgraphUrl(name)}`);
  const supergraphPath = path.join(scratch, 'supergraph.graphql');
  writeFileSync(supergraphPath, supergraph);
  // Clients connect directly; the bench's documents are not a persisted manifest's.
  const hives = (['hive', 'hive-no-dedup', 'hive-inbound-dedup'] as const).filter((name) => chosenTargets.includes(name));
  await Promise.all([
    supervisor.start({
      name: 'ours',
      args: serviceArgs('gateway', cpuProfile('ours')),
      env: { ...env, TRUST_PROXY_HOPS: '0', PERSISTED_DOCUMENTS_ONLY: 'false' },
      healthUrl: `http://127.0.0.1:${ports.ours}/health`,
    }),
    ...hives.map((name) =>
      supervisor.start({
        name,
        args: [
          '--import',
          'tsx',
          path.join('node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
          'supergraph',
          supergraphPath,
          '--config-path',
          path.join('scripts', 'hive-gateway.config.ts'),
          '--host',
          '127.0.0.1',
          '--port',
          String(ports[name]),
          '--fork',
          '1',
        ],
        env: {
          ...env,
          PORT: String(ports[name]),
          HIVE_DEDUPLICATE: String(name !== 'hive-no-dedup'),
          HIVE_INBOUND_DEDUPLICATE: String(name === 'hive-inbound-dedup'),
        },
        healthUrl: `http://127.0.0.1:${ports[name]}/healthcheck`,
      }),
    ),
  ]);

  // The bench's identity provider's subject is the user's email.
  const tokenOf = (email: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
      .setSubject(email)
      .setIssuer(identity.issuer)
      .setAudience(identity.audience)
      .setIssuedAt()
      .setExpirationTime('24h')
      .sign(identity.keys.privateKey);
  const oneToken = [await tokenOf(DEMO.users.contosoAgent.email)];
  const manyTokens = await Promise.all(emails.map(tokenOf));
  const asClient = (token: string) => ({ authorization: `Bearer ${token}` });
  const targets: Record<Target, { url: string; headers: (token: string) => Record<string, string> }> = {
    ours: { url: `http://127.0.0.1:${ports.ours}/graphql`, headers: asClient },
    hive: { url: `http://127.0.0.1:${ports.hive}/graphql`, headers: asClient },
    'hive-no-dedup': { url: `http://127.0.0.1:${ports['hive-no-dedup']}/graphql`, headers: asClient },
    'hive-inbound-dedup': { url: `http://127.0.0.1:${ports['hive-inbound-dedup']}/graphql`, headers: asClient },
    // As a router that cannot sign calls it: the client's token and the static router credential.
    subgraph: {
      url: subgraphUrl('customer'),
      headers: (token) => ({ authorization: `Bearer ${token}`, [ROUTER_TOKEN_HEADER]: routerToken }),
    },
  };

  // The expected answers, per user: ours and Hive must agree, with data and without errors.
  const expected = new Map<string, unknown[][]>(); // workload → user → body
  for (const workload of workloads) {
    const tokens = workload.manyUsers ? manyTokens : oneToken;
    // A few users at a time: a cold stack asked everything at once answers with timeouts.
    const data = await inTurns(
      4,
      tokens.map((token) => async () => {
        const ofUser: unknown[] = [];
        for (const body of workload.bodies) {
          const answers = await Promise.all(
            (['ours', ...hives, ...(workload.subgraphAlone ? ['subgraph' as const] : [])] as Target[]).map(async (target) => ({
              target,
              ...(await postUntilAvailable(targets[target].url, body, targets[target].headers(token))),
            })),
          );
          for (const answer of answers) {
            if (answer.status !== 200 || answer.errors || !answer.data)
              throw new Error(`${workload.name} through ${answer.target}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`);
            if (!isDeepStrictEqual(answer.data, answers[0]!.data))
              throw new Error(
                `${workload.name}: ${answer.target} and ${answers[0]!.target} answer differently to ${JSON.stringify(body.variables)}`,
              );
          }
          ofUser.push(answers[0]!.data);
        }
        return ofUser;
      }),
    );
    const rows = data[0]!.map(rowsOf);
    for (const [i, count] of rows.entries())
      if (count === 0) throw new Error(`${workload.name}: nothing found for ${JSON.stringify(workload.bodies[i]!.variables)}`);
    if (workload.name.includes('dashboard') && !data[0]!.some(hasOffers))
      throw new Error(`${workload.name}: no subscriptions with an offer`);
    expected.set(workload.name, data);
    console.log(
      `${workload.name}: ${Math.min(...rows)}–${Math.max(...rows)} customers or subscriptions per answer, ${tokens.length} user(s)`,
    );
  }

  // The first round warms up longer: the processes' code is still being optimised.
  console.log(
    `\nautocannon -c ${connections}, ${warmup} s warm-up (first round ${3 * warmup} s) + ${duration} s per measurement, ${rounds} round(s)` +
      (writesPerSecond > 0 ? `, ${writesPerSecond} change(s) a second in the customer database meanwhile` : ''),
  );
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) {
      for (const target of targetsOf(workload)) {
        const tokens = workload.manyUsers ? manyTokens : oneToken;
        const users = tokens.map((token, n) => ({ headers: targets[target].headers(token), expected: expected.get(workload.name)![n]! }));
        if (warmup > 0) await measure(targets[target].url, users, workload.bodies, round === 1 ? 3 * warmup : warmup);
        const measurement = await measure(targets[target].url, users, workload.bodies, duration);
        const key = `${workload.name}/${target}`;
        results.set(key, [...(results.get(key) ?? []), measurement]);
        console.log(
          `round ${round} ${workload.name.padEnd(22)} ${target.padEnd(9)} ${measurement.perSecond.toFixed(0).padStart(6)} req/s  p50 ${measurement.p50} ms  p99 ${measurement.p99} ms  ${measurement.wrong === 0 ? 'all answers right' : `${measurement.wrong} WRONG ANSWERS`}`,
        );
      }
    }
  }
  report(workloads);
} finally {
  await stopAll();
}

/** Runs `tasks`, at most `width` at a time; their results in order. */
async function inTurns<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

/** The customers of a list, or the subscriptions of a customer's page. */
function rowsOf(data: unknown): number {
  const answer = data as { customers?: { edges: unknown[] }; customer?: { subscriptions: unknown[] } | null };
  return answer.customers?.edges.length ?? answer.customer?.subscriptions.length ?? 0;
}

function hasOffers(data: unknown): boolean {
  const edges = (data as { customers: { edges: { node: { subscriptions?: { offer: unknown }[] } }[] } }).customers.edges;
  return edges.some((edge) => edge.node.subscriptions?.some((s) => s.offer !== null));
}

/**
 * `post`, asked again (up to 5 times, a second apart) while the connection fails or a service
 * answers that it is unavailable: on a saturated machine a cold subgraph's first calls can miss
 * their deadline, which is not a wrong answer. The measurements never retry.
 */
async function postUntilAvailable(url: string, body: unknown, headers: Record<string, string>): Promise<Awaited<ReturnType<typeof post>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await post(url, body, headers);
      const unavailable = answer.status === 503 || JSON.stringify(answer.errors ?? []).includes('"SERVICE_UNAVAILABLE"');
      if (!unavailable || attempt === 5) return answer;
    } catch (error) {
      if (attempt === 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; data?: unknown; errors?: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: unknown };
  return { status: response.status, data: json.data, errors: json.errors };
}

/** The tables: one row per workload and target, rounds side by side, then the ratios ours / Hive. */
function report(workloads: Workload[]): void {
  const fmt = (values: number[], digits = 0) => values.map((value) => (Number.isFinite(value) ? value.toFixed(digits) : '—')).join(' / ');
  const gatewayCpu = (target: Target, m: Measurement) => (target === 'subgraph' ? NaN : m.cpu[target]!);
  const subgraphCpu = (m: Measurement) => SUBGRAPHS.reduce((sum, name) => sum + m.cpu[name]!, 0);
  const wrong = [...results.values()].flat().reduce((sum, m) => sum + m.wrong, 0);
  console.log(
    `\nRequests/s, latency, subgraph operations per request and CPU per request (ms) of each process; one value per round. ${wrong === 0 ? 'Every answer was right.' : `${wrong} ANSWERS WERE WRONG.`}\n`,
  );
  const subgraphColumns = SUBGRAPHS.filter((name) => [...results.values()].flat().some((m) => m.cpu[name]! > 0.005));
  console.log(
    `| workload | target | req/s | p50 ms | p99 ms | wrong | subgraph operations | gateway CPU | subgraphs CPU | gateway + subgraphs CPU | ${subgraphColumns.join(' | ')} |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|---|---|${subgraphColumns.map(() => '---|').join('')}`);
  for (const workload of workloads) {
    for (const target of TARGETS) {
      const ms = results.get(`${workload.name}/${target}`);
      if (!ms) continue;
      console.log(
        `| ${workload.name} | ${target} | ${fmt(ms.map((m) => m.perSecond))} | ${fmt(ms.map((m) => m.p50))} | ${fmt(ms.map((m) => m.p99))} | ${ms.reduce((s, m) => s + m.wrong, 0)} | ${fmt(
          ms.map((m) => m.subgraphOperations),
          2,
        )} | ${fmt(
          ms.map((m) => gatewayCpu(target, m)),
          2,
        )} | ${fmt(ms.map(subgraphCpu), 2)} | ${fmt(
          ms.map((m) => (target === 'subgraph' ? 0 : gatewayCpu(target, m)) + subgraphCpu(m)),
          2,
        )} | ${subgraphColumns
          .map((name) =>
            fmt(
              ms.map((m) => m.cpu[name]!),
              2,
            ),
          )
          .join(' | ')} |`,
      );
    }
  }
  for (const hive of ['hive', 'hive-no-dedup', 'hive-inbound-dedup'] as const) {
    const rows = workloads.flatMap((workload) => {
      const ours = results.get(`${workload.name}/ours`);
      const theirs = results.get(`${workload.name}/${hive}`);
      if (!ours || !theirs) return [];
      const ratio = (of: (m: Measurement, target: Target) => number) =>
        fmt(
          ours.map((m, i) => of(m, 'ours') / of(theirs[i]!, hive)),
          2,
        );
      return [
        `${workload.title.padEnd(58)} ${ratio((m) => m.perSecond).padEnd(14)} ${ratio((m, target) => m.cpu[target]!).padEnd(14)} ${ratio(subgraphCpu)}`,
      ];
    });
    if (rows.length === 0) continue;
    const title = {
      hive: 'Hive',
      'hive-no-dedup': 'Hive without its in-flight deduplication',
      'hive-inbound-dedup': 'Hive merging identical incoming requests too',
    }[hive];
    console.log(`\nOurs / ${title} (per round): requests/s, gateway CPU per request, subgraph CPU per request\n`);
    for (const row of rows) console.log(row);
  }
}
