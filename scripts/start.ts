import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger, envPrefix, loadScriptConfig, serviceUrls, subgraphPort, SUBGRAPHS } from '@partner-graph/platform';
import { databaseServer, REPO_ROOT } from './database-server.js';
import { seedDemoData } from './seed.js';
import { ensureDashboardBuilt } from '../web/build.js';

/**
 * `npm start`: the database (embedded unless DATABASE_URL), the demo data when empty, every
 * subgraph in its own process, then the gateway. Ctrl-C stops all of it, Postgres included.
 */
const config = loadScriptConfig();
const logger = createLogger('start', config.LOG_LEVEL);

const server = await databaseServer(config, logger, { reuseRunning: false });
const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  console.log('\nStopping Partner Graph…');
  await Promise.all(
    children.map(
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await server.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function launch(name: string, entry: string, env: Record<string, string>): void {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: config.serviceLogLevel, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ service: name, code, signal }, `${name} stopped unexpectedly`);
    void stopAll(1);
  });
  children.push({ name, process: child });
}

async function waitForHealth(name: string, url: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  logger.error(`${name} did not become healthy at ${url}`);
  await stopAll(1);
}

try {
  await seedDemoData(server, logger);
} catch (error) {
  logger.error({ err: error }, 'could not prepare the databases');
  await stopAll(1);
}

/**
 * The partner dashboard: built into web/dist when its sources changed (while the subgraphs
 * start), then served by the gateway on the API's own origin, with the build's persisted documents.
 */
async function startDashboard(): Promise<{ env: Record<string, string>; url: string }> {
  const dashboard = await ensureDashboardBuilt((message) => console.log(message));
  return {
    env: { DASHBOARD_DIR: dashboard.dir },
    url: `http://localhost:${config.GATEWAY_PORT}/`,
  };
}
const dashboard = startDashboard();
dashboard.catch(() => {}); // awaited below; a failure stops the start there

const urls = serviceUrls(config);
const databaseEnv = Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_DATABASE_URL`, server.urls[name]]));
for (const name of SUBGRAPHS) {
  launch(name, path.join('subgraphs', name, 'src', 'index.ts'), { ...databaseEnv, [`${envPrefix(name)}_PORT`]: String(subgraphPort(name)) });
}
await Promise.all(SUBGRAPHS.map((name) => waitForHealth(name, urls[name].replace(/\/graphql$/, '/health'))));
let dashboardEnv: Record<string, string> = {};
let dashboardUrl = '';
try {
  ({ env: dashboardEnv, url: dashboardUrl } = await dashboard);
} catch (error) {
  logger.error({ err: error }, 'could not build the dashboard');
  await stopAll(1);
}
launch('gateway', path.join('gateway', 'src', 'index.ts'), dashboardEnv);
const gatewayUrl = `http://localhost:${config.GATEWAY_PORT}/graphql`;
await waitForHealth('gateway', gatewayUrl.replace(/\/graphql$/, '/health'));

console.log(`
Partner Graph is running.

  Gateway:   ${gatewayUrl}
  Dashboard: ${dashboardUrl}
  Database:  ${server.embedded ? 'embedded PostgreSQL (data in .data/)' : 'DATABASE_URL'}

Get a token for a demo user and send a first query:

  TOKEN=$(npm run --silent token -- admin@contoso-partner.example)
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ me { email companyRole customerAccess partner { companyName programs } } }"}'

Press Ctrl-C to stop.
`);
