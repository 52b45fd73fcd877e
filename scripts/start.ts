import {
  createLogger,
  DEFAULT_EMBEDDED_POSTGRES_PORT,
  envPrefix,
  httpUrl,
  loadScriptConfig,
  portVariable,
  serviceUrls,
  servicePorts,
  SERVICES,
  SUBGRAPHS,
  type ServiceName,
} from '@partner-graph/platform';
import { databaseServer, REPO_ROOT, type DatabaseServer } from './database-server.js';
import { portProblems, type PortClaim } from './ports.js';
import { seedDemoData } from './seed.js';
import { serviceArgs, Supervisor, type ServiceSpec } from './supervisor.js';
import { ensureExplorerBuilt } from '@partner-graph/explorer';
import { ensureDashboardBuilt } from '../web/build.js';

/**
 * `npm start`: checks its ports, starts the database (embedded unless DATABASE_URL), loads the
 * demo data when empty, runs every subgraph in its own process and then the gateway, and keeps
 * them running: a service that crashes is restarted with backoff while the others keep
 * serving. Ctrl-C (or SIGTERM) stops all of it, PostgreSQL included.
 */
const config = loadScriptConfig();
const logger = createLogger('start', config.LOG_LEVEL);
const ports = servicePorts(config);
const gatewayUrl = httpUrl(config.HOST, ports.gateway);

// A service stops within its readiness delay and grace; a few seconds more for its database and exit.
const supervisor = new Supervisor({
  cwd: REPO_ROOT,
  logger,
  stopTimeoutMs: config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS + 5_000,
  restart: true,
});
let database: DatabaseServer | undefined;
let stopping: Promise<never> | undefined;

function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    console.log('\nStopping Partner Graph…');
    await supervisor.stop();
    await database?.stop();
    process.exit(code);
  })();
  return stopping;
}

/** A step that must succeed: when it fails, say why and stop what already runs. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    console.error(`\nnpm start: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return stopAll(1);
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
// A fault of its own must not leave the services and PostgreSQL running without it.
for (const fault of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(fault, (error) => {
    console.error('npm start failed:', error);
    void stopAll(1);
  });
}

// 1. Every port free before anything starts.
const claims: PortClaim[] = SERVICES.map((service) => ({
  port: ports[service],
  host: config.HOST,
  variable: portVariable(service),
  http: true,
}));
if (!config.DATABASE_URL) claims.push({ port: config.EMBEDDED_POSTGRES_PORT, host: '127.0.0.1', variable: 'EMBEDDED_POSTGRES_PORT' });
const problems = await portProblems(claims);
if (problems.length > 0) {
  console.error(`npm start cannot begin:\n  - ${problems.join('\n  - ')}`);
  console.error(`(PORT_BASE moves the gateway and the five subgraphs at once: PORT_BASE=5000 uses 5000–5005.)`);
  process.exit(1);
}

// 2. The database and the demo data.
database = await step(
  config.DATABASE_URL
    ? 'reaching DATABASE_URL'
    : 'starting the embedded PostgreSQL (EMBEDDED_POSTGRES_PORT moves its port, PARTNER_GRAPH_DATA_DIR its data)',
  () => databaseServer(config, logger, { reuseRunning: false }),
);
await step('preparing the databases', () => seedDemoData(database!, logger));

// GraphiQL for the gateway's development page (off in production), built while the subgraphs start.
const explorer = config.NODE_ENV === 'production' ? Promise.resolve() : ensureExplorerBuilt((message) => console.log(message));
explorer.catch(() => {}); // awaited before the gateway starts; a failure stops the start there
// The partner dashboard: built into web/dist when its sources changed (while the subgraphs
// start), then served by the gateway on the API's own origin, with the build's persisted documents.
const dashboard = ensureDashboardBuilt((message) => console.log(message));
dashboard.catch(() => {}); // awaited before the gateway starts; a failure stops the start there

// 3. The subgraphs and the gateway (it plans from the checked-in supergraph, so it needs none of them to start).
const urls = serviceUrls(config);
const sharedEnv: Record<string, string> = {
  APOLLO_TELEMETRY_DISABLED: '1',
  LOG_LEVEL: config.serviceLogLevel,
  HOST: config.HOST,
  ...Object.fromEntries(SERVICES.map((service) => [portVariable(service), String(ports[service])])),
  ...Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_URL`, urls[name]])),
  ...Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_DATABASE_URL`, database!.urls[name]])),
};
let dashboardDir = '';
const service = (name: ServiceName): ServiceSpec => ({
  name,
  args: serviceArgs(name),
  env: {
    ...sharedEnv,
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ? `${process.env.OTEL_SERVICE_NAME}-${name}` : name,
    // The gateway's own database: the rate-limit counters its replicas share.
    ...(name === 'gateway'
      ? { GATEWAY_DATABASE_URL: config.GATEWAY_DATABASE_URL ?? database!.gatewayUrl, DASHBOARD_DIR: dashboardDir }
      : {}),
  },
  // Ready: its database answers (for the gateway, the partner subgraph does).
  healthUrl: httpUrl(config.HOST, ports[name], '/ready'),
});
await step('starting the services', () =>
  Promise.all([
    ...SUBGRAPHS.map((name) => supervisor.start(service(name))),
    Promise.all([explorer, dashboard]).then(([, built]) => {
      dashboardDir = built.dir;
      return supervisor.start(service('gateway'));
    }),
  ]),
);

// 4. How to use it.
const everywhere = ['0.0.0.0', '::', ''].includes(config.HOST) ? ` (listening on all interfaces: HOST=${config.HOST})` : '';
const databaseLine = database.embedded
  ? `embedded PostgreSQL on port ${config.EMBEDDED_POSTGRES_PORT}, data in ${database.dataDir}`
  : 'DATABASE_URL';
// `npm run token` must find this instance's database.
const tokenEnv = [
  ...(config.EMBEDDED_POSTGRES_PORT !== DEFAULT_EMBEDDED_POSTGRES_PORT ? [`EMBEDDED_POSTGRES_PORT=${config.EMBEDDED_POSTGRES_PORT}`] : []),
  ...(config.PARTNER_GRAPH_DATA_DIR ? [`PARTNER_GRAPH_DATA_DIR=${config.PARTNER_GRAPH_DATA_DIR}`] : []),
].join(' ');
console.log(`
Partner Graph is running.

  Gateway:   ${gatewayUrl}${everywhere}
  Dashboard: ${httpUrl(config.HOST, ports.gateway, '/')}
  Database:  ${databaseLine}

Get a token for a demo user and send a first query:

  TOKEN=$(${tokenEnv ? `${tokenEnv} ` : ''}npm run --silent token -- admin@contoso-partner.example)
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ me { email companyRole customerAccess partner { companyName programs } } }"}'

Press Ctrl-C to stop.
`);
