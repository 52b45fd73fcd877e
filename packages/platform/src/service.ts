import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { systemClock, type Clock } from './clock.js';
import { loadSubgraphConfig, portInUseMessage, portVariable, type EdgeConfig, type SubgraphConfig, type SubgraphName } from './config.js';
import { openDatabase } from './database.js';
import { createLogger, type Logger } from './logger.js';
import { ServiceClient } from './service-client.js';
import { stopTelemetry } from './telemetry.js';
import type { ListeningServer } from './listen.js';
import type { EventSettings } from './events.js';
import type { AuthConfig } from './config.js';
import type { RouterTrust } from './router-proof.js';

/** What a subgraph trusts: the router's proof, the users' tokens, and how long a viewer is reused. */
export interface SubgraphTrust {
  router: RouterTrust;
  auth: AuthConfig;
  /** At most 30 s (a changed role must take effect within 30 s). */
  viewerCacheMs: number;
}

export function subgraphTrust(config: SubgraphConfig): SubgraphTrust {
  return {
    router: { signingSecret: config.ROUTER_SIGNING_SECRET, staticToken: config.ROUTER_STATIC_TOKEN },
    auth: config.auth,
    viewerCacheMs: config.VIEWER_CACHE_SECONDS * 1000,
  };
}

/** What a subgraph is given to run: its database, clock, logger and the client for other subgraphs. */
export interface SubgraphRuntime {
  db: DataSource;
  /** The database's URL, for what needs its own connection (the job queue). */
  databaseUrl: string;
  clock: Clock;
  logger: Logger;
  /** The client that calls other subgraphs (signed as this one). */
  serviceClient: ServiceClient;
  /** HMAC secret of service-to-service calls. */
  secret: string;
  /** How requests from the router are proven and their user authenticated. */
  trust: SubgraphTrust;
  /** Base URL of the customer-facing acceptance pages. */
  publicAcceptUrl: string;
  /** Federated inline traces (ftv1) on or off. */
  inlineTracing?: boolean;
  /** Event relay and webhook delivery settings. */
  events?: EventSettings;
  /** Connections the job queue may hold besides its LISTEN (4 when absent; test stacks take fewer). */
  jobQueueConnections?: number;
  /** How long audit records are kept (AUDIT_RETENTION_DAYS; the platform's default when absent). */
  auditRetentionDays?: number;
  /** Introspection and where `/metrics` is served (development defaults when absent). */
  edge?: EdgeConfig;
  /** On stop, how long requests in flight have to be answered (10 s when absent). */
  shutdownGraceMs?: number;
}

/**
 * The one way a subgraph's runtime is assembled (its process, the test stack, a test of one
 * subgraph): the client for the other subgraphs is signed as `name` with the runtime's secret.
 */
export function createRuntime(
  options: Omit<SubgraphRuntime, 'serviceClient' | 'clock'> & {
    name: SubgraphName;
    /** Where the other subgraphs answer. */
    urls: Record<SubgraphName, string>;
    /** The deadline of a call to another subgraph (5 s when absent). */
    subgraphTimeoutMs?: number;
    clock?: Clock;
  },
): SubgraphRuntime {
  const { name, urls, subgraphTimeoutMs, clock = systemClock, ...runtime } = options;
  return {
    ...runtime,
    clock,
    serviceClient: new ServiceClient({ issuer: name, secret: runtime.secret, urls, timeoutMs: subgraphTimeoutMs }),
  };
}

/** One subgraph, as `index.ts`, `npm start`, the seed script and the tests see it. */
export interface SubgraphModule {
  name: SubgraphName;
  entities: MixedList<EntitySchema>;
  migrations: (new () => unknown)[];
  create(runtime: SubgraphRuntime): Promise<{ listen(port: number, host?: string): Promise<ListeningServer> }>;
  /** The demo data; does nothing when the database already has data. */
  seedDemo(db: DataSource, clock: Clock): Promise<void>;
  /** Background work (job queue, scheduler); returns how to stop it (running jobs finish within `graceMs` or are handed back). */
  startWorkers?(runtime: SubgraphRuntime): Promise<(graceMs?: number) => Promise<void>>;
}

/**
 * A subgraph's `index.ts`: read config, open its database (migrations included), build the
 * server, listen, start its workers, and stop cleanly on SIGINT/SIGTERM.
 */
export async function runSubgraph(module: SubgraphModule): Promise<void> {
  const config: SubgraphConfig = loadSubgraphConfig(module.name);
  const logger = createLogger(module.name, config.LOG_LEVEL);
  if (!config.databaseUrl) {
    logger.fatal('No database: set DATABASE_URL (or a per-subgraph URL); `npm start` starts an embedded server');
    process.exit(1);
  }
  const { dataSource: db } = await openDatabase({
    url: config.databaseUrl,
    entities: module.entities,
    migrations: module.migrations,
    logger,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const runtime = createRuntime({
    name: module.name,
    db,
    databaseUrl: config.databaseUrl,
    logger,
    urls: config.serviceUrls,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    secret: config.INTERNAL_SIGNING_SECRET,
    trust: subgraphTrust(config),
    publicAcceptUrl: config.PUBLIC_ACCEPT_URL,
    inlineTracing: config.INLINE_TRACING,
    // Webhooks may reach loopback and private receivers only outside production.
    events: { allowPrivateAddresses: config.NODE_ENV !== 'production' },
    auditRetentionDays: config.AUDIT_RETENTION_DAYS,
    edge: config.edge,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
  const app = await module.create(runtime);
  const server = await app.listen(config.port, config.HOST).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    logger.fatal(portInUseMessage(config.port, config.HOST, portVariable(module.name)));
    process.exit(1);
  });
  const stopWorkers = module.startWorkers ? await module.startWorkers(runtime) : async () => {};
  logger.info({ url: server.url }, `${module.name} subgraph listening`);

  // `/ready` fails at once; after SHUTDOWN_DELAY_MS the server stops accepting and answers what is in
  // flight, while the workers finish their running jobs or hand them back, both within SHUTDOWN_GRACE_MS.
  stopOnSignals(logger, config, async () => {
    await Promise.all([server.close(config.SHUTDOWN_DELAY_MS), stopWorkers(config.SHUTDOWN_GRACE_MS)]);
    await db.destroy();
  });
}

/**
 * A service's process stops on SIGTERM or SIGINT, or when `npm start`'s supervisor goes away
 * (the IPC channel closes however it died): `stop` runs once (readiness, drain, workers, database,
 * in the service's order), then telemetry is flushed, and the process exits 0 (1 if stopping failed).
 */
export function stopOnSignals(
  logger: Logger,
  settings: { SHUTDOWN_DELAY_MS: number; SHUTDOWN_GRACE_MS: number },
  stop: () => Promise<void>,
): void {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, delayMs: settings.SHUTDOWN_DELAY_MS, graceMs: settings.SHUTDOWN_GRACE_MS }, 'stopping: not ready, then draining');
    try {
      await stop();
      await stopTelemetry();
    } catch (error) {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void run('SIGINT'));
  process.on('SIGTERM', () => void run('SIGTERM'));
  process.on('disconnect', () => void run('supervisor gone'));
}
