import path from 'node:path';
import pg from 'pg';
import {
  databaseUrlFor,
  subgraphDatabaseName,
  SUBGRAPHS,
  type Logger,
  type ScriptConfig,
  type SubgraphName,
} from '@partner-graph/platform';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

export interface DatabaseServer {
  /** Each subgraph's database URL. */
  urls: Record<SubgraphName, string>;
  /** The gateway's own database (the shared rate-limit counters). */
  gatewayUrl: string;
  /** Whether this process started the embedded server (and must stop it). */
  embedded: boolean;
  /** Where the embedded server keeps its data, when this process started it. */
  dataDir?: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL server of `npm start`, `npm run seed` and `npm run token`: `DATABASE_URL`
 * when set, otherwise the embedded one (data under `.data/`), reused when it already runs.
 */
export async function databaseServer(config: ScriptConfig, logger: Logger, options: { reuseRunning: boolean }): Promise<DatabaseServer> {
  let serverUrl = config.DATABASE_URL;
  let stop = async () => {};
  let embedded = false;
  let dataDir: string | undefined;
  if (!serverUrl) {
    const embeddedUrl = `postgres://postgres:partner-graph@127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}/postgres`;
    if (options.reuseRunning && (await answers(embeddedUrl))) {
      serverUrl = embeddedUrl;
    } else {
      const server = await startEmbeddedPostgres({
        dataDir: config.PARTNER_GRAPH_DATA_DIR ?? path.join(REPO_ROOT, '.data', 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
        persistent: true,
        logger,
      });
      serverUrl = server.url;
      stop = () => server.stop();
      embedded = true;
      dataDir = server.dataDir;
    }
  }
  const urls = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, config.databaseUrls[name] ?? databaseUrlFor(serverUrl, subgraphDatabaseName(name))]),
  ) as Record<SubgraphName, string>;
  return { urls, gatewayUrl: databaseUrlFor(serverUrl, 'partner_graph_gateway'), embedded, dataDir, stop };
}
