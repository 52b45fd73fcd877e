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
  /** At most 30 s (SPEC §3.1). */
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
  /** How long audit records are kept (AUDIT_RETENTION_DAYS; the platform's default when absent). */
  auditRetentionDays?: number;
  /** Introspection and where `/metrics` is served (development defaults when absent). */
  edge?: EdgeConfig;
}

/** One subgraph, as `index.ts`, `npm start`, the seed script and the tests see it. */
export interface SubgraphModule {
  name: SubgraphName;
  entities: MixedList<EntitySchema>;
  migrations: (new () => unknown)[];
  create(runtime: SubgraphRuntime): Promise<{ listen(port: number, host?: string): Promise<ListeningServer> }>;
  /** The demo data of SPEC §7; does nothing when the database already has data. */
  seedDemo(db: DataSource, clock: Clock): Promise<void>;
  /** Background work (job queue, scheduler); returns how to stop it. */
  startWorkers?(runtime: SubgraphRuntime): Promise<() => Promise<void>>;
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
  const { dataSource: db } = await openDatabase({ url: config.databaseUrl, entities: module.entities, migrations: module.migrations, logger });
  const runtime: SubgraphRuntime = {
    db,
    databaseUrl: config.databaseUrl,
    clock: systemClock,
    logger,
    serviceClient: new ServiceClient({ issuer: module.name, secret: config.INTERNAL_SIGNING_SECRET, urls: config.serviceUrls, timeoutMs: config.SUBGRAPH_TIMEOUT_MS }),
    secret: config.INTERNAL_SIGNING_SECRET,
    trust: subgraphTrust(config),
    publicAcceptUrl: config.PUBLIC_ACCEPT_URL,
    inlineTracing: config.INLINE_TRACING,
    // Webhooks may reach loopback and private receivers only outside production.
    events: { allowPrivateAddresses: config.NODE_ENV !== 'production' },
    auditRetentionDays: config.AUDIT_RETENTION_DAYS,
    edge: config.edge,
  };
  const app = await module.create(runtime);
  const server = await app.listen(config.port, config.HOST).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    logger.fatal(portInUseMessage(config.port, config.HOST, portVariable(module.name)));
    process.exit(1);
  });
  const stopWorkers = module.startWorkers ? await module.startWorkers(runtime) : async () => {};
  logger.info({ url: server.url }, `${module.name} subgraph listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stopWorkers();
    await server.close();
    await db.destroy();
    await stopTelemetry();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Under `npm start` the channel to its supervisor closes when the supervisor dies, however it died.
  process.on('disconnect', () => void stop('supervisor gone'));
}
