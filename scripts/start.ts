import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger, envPrefix, loadScriptConfig, serviceUrls, subgraphPort, SUBGRAPHS } from '@partner-graph/platform';
import { databaseServer, REPO_ROOT } from './database-server.js';
import { seedDemoData } from './seed.js';
import { ensureExplorerBuilt } from '@partner-graph/explorer';

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
  // The telemetry preload first: it does nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@partner-graph/platform/telemetry', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: config.serviceLogLevel, OTEL_SERVICE_NAME: name, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ service: name, code, signal }, `${name} stopped unexpectedly`);
    void stopAll(1);
  });
  children.push({ name, process: child });
}

/** Waits until a service is ready (`/ready`: its database, or for the gateway the partner subgraph, answers). */
async function waitForReady(name: string, url: string): Promise<void> {
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
  logger.error(`${name} did not become ready at ${url}`);
  await stopAll(1);
}

try {
  await seedDemoData(server, logger);
} catch (error) {
  logger.error({ err: error }, 'could not prepare the databases');
  await stopAll(1);
}

// GraphiQL for the gateway's development page (off in production), built while the subgraphs start.
const explorer = config.NODE_ENV === 'production' ? Promise.resolve() : ensureExplorerBuilt((message) => console.log(message));
explorer.catch(() => {}); // awaited before the gateway starts; a failure stops the start there

const urls = serviceUrls(config);
const databaseEnv = Object.fromEntries(SUBGRAPHS.map((name) => [`${envPrefix(name)}_DATABASE_URL`, server.urls[name]]));
for (const name of SUBGRAPHS) {
  // Each subgraph listens where the gateway and the other services are told it answers.
  const port = new URL(urls[name]).port || String(subgraphPort(name));
  launch(name, path.join('subgraphs', name, 'src', 'index.ts'), { ...databaseEnv, [`${envPrefix(name)}_PORT`]: port });
}
await Promise.all(SUBGRAPHS.map((name) => waitForReady(name, urls[name].replace(/\/graphql$/, '/ready'))));
try {
  await explorer;
} catch (error) {
  logger.error({ err: error }, 'could not build the explorer');
  await stopAll(1);
}
launch('gateway', path.join('gateway', 'src', 'index.ts'), {});
const gatewayUrl = `http://localhost:${config.GATEWAY_PORT}/graphql`;
await waitForReady('gateway', gatewayUrl.replace(/\/graphql$/, '/ready'));

console.log(`
Partner Graph is running.

  Gateway:  ${gatewayUrl}
  Database: ${server.embedded ? 'embedded PostgreSQL (data in .data/)' : 'DATABASE_URL'}

Open ${gatewayUrl} in a browser for GraphiQL, or get a token for a demo user and send a first query:

  TOKEN=$(npm run --silent token -- admin@contoso-partner.example)
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ me { email companyRole customerAccess partner { companyName programs } } }"}'

Press Ctrl-C to stop.
`);
