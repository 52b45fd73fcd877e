import pg from 'pg';
import { DataSource, type EntitySchema, type Logger as TypeOrmLogger, type MixedList } from 'typeorm';
import { envPrefix, type SubgraphName } from './config.js';
import type { Logger } from './logger.js';
import { currentWork } from './work.js';

/** Creates the database of `url` if it does not exist (safe when several services race). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      } catch (error) {
        // 42P04 duplicate_database / 23505: another service created it first.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Counts the SQL statements run for client requests (not those of background jobs, pollers or
 * sweeps running meanwhile); the N+1 tests read it before and after a request.
 */
export class QueryCounter implements TypeOrmLogger {
  count = 0;
  constructor(private readonly logger?: Logger) {}
  logQuery(): void {
    if (currentWork() === 'request') this.count++;
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger?.debug({ err: error, query }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ time, query: query.slice(0, 500) }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level !== 'warn') return;
    // The pool reports each connection the server closes when it shuts down; that is expected.
    if (String(message).includes('terminating connection due to administrator command')) this.logger?.debug({ message }, 'typeorm');
    else this.logger?.warn({ message }, 'typeorm');
  }
}

export interface OpenDatabaseOptions {
  url: string;
  entities: MixedList<EntitySchema>;
  migrations: MixedList<new () => unknown> | (new () => unknown)[];
  logger?: Logger;
  poolSize?: number;
}

/**
 * The one database bootstrap: creates the subgraph's database if missing, connects, and
 * runs its migrations (never `synchronize`).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<{ dataSource: DataSource; queries: QueryCounter }> {
  await ensureDatabase(options.url);
  const queries = new QueryCounter(options.logger);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations as (new () => unknown)[],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: true,
    logger: queries,
    maxQueryExecutionTime: 1000,
    // A server that does not answer costs a request at most this long, then SERVICE_UNAVAILABLE.
    // Connections are kept once opened (pg's default closes one idle for 10 s, and an idle
    // service's next probe or sweep opened a new one: connection churn for nothing).
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 0 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return { dataSource, queries };
}
