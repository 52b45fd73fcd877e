import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { loadSubgraphConfig, type SubgraphConfig, type SubgraphName } from './config.js';
import { openDatabase } from './database.js';
import { createLogger, type Logger } from './logger.js';
import { ServiceClient } from './service-client.js';
import type { ListeningServer } from './subgraph-server.js';

export interface SubgraphRuntime {
  db: DataSource;
  config: SubgraphConfig;
  logger: Logger;
  services: ServiceClient;
}

/**
 * A subgraph's `index.ts`: read config, open its database (migrations included), build the
 * server, listen, and close cleanly on SIGINT/SIGTERM.
 */
export async function runSubgraph(
  name: SubgraphName,
  schema: { entities: MixedList<EntitySchema>; migrations: (new () => unknown)[] },
  build: (runtime: SubgraphRuntime) => Promise<{ listen(port: number, host?: string): Promise<ListeningServer> }>,
  options: { onStarted?: (runtime: SubgraphRuntime) => Promise<() => Promise<void>> } = {},
): Promise<void> {
  const config = loadSubgraphConfig(name);
  const logger = createLogger(name, config.LOG_LEVEL);
  if (!config.databaseUrl) {
    logger.fatal('No database: set DATABASE_URL (or a per-subgraph URL); `npm start` starts an embedded server');
    process.exit(1);
  }
  const { dataSource: db } = await openDatabase({ url: config.databaseUrl, entities: schema.entities, migrations: schema.migrations, logger });
  const services = new ServiceClient({ issuer: name, secret: config.INTERNAL_SIGNING_SECRET, urls: config.serviceUrls });
  const runtime = { db, config, logger, services };
  const server = await (await build(runtime)).listen(config.port, config.HOST);
  const stopBackground = options.onStarted ? await options.onStarted(runtime) : async () => {};
  logger.info({ url: server.url }, `${name} subgraph listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stopBackground();
    await server.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
