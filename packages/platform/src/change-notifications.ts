import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The channel every subgraph database notifies, in the committing transaction, when a row that
 * answers are built from changes, whoever wrote it (a mutation, a job, a migration, an operator's
 * SQL). The gateway's answer cache listens on it in every subgraph database and forgets what it
 * kept (docs/answer-cache.md).
 */
export const CHANGES_CHANNEL = 'partner_graph_changes';

/** Tables no answer is read from, or written so often that watching them would empty the cache for nothing. */
const NOT_WATCHED = new Set([
  'migrations',
  'typeorm_metadata',
  'event_outbox',
  'audit_record',
  'idempotency_record',
  'flow',
  'sign_in_failure',
  'webhook_event',
  'webhook_delivery',
  'webhook_delivery_attempt',
]);

/**
 * Makes every table of the database (but those above) notify `CHANGES_CHANNEL` when a row is
 * inserted, changed or deleted, or the table is truncated. Run by a migration of each subgraph; a
 * later migration that creates a table answers are read from passes its name in `tables`.
 * PostgreSQL sends one notification per table per transaction however many rows change.
 */
export async function notifyChanges(queryRunner: QueryRunner, tables?: string[]): Promise<void> {
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION partner_graph_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANGES_CHANNEL}', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const table of tables ?? (await watchedTables(queryRunner))) {
    await queryRunner.query(
      `CREATE TRIGGER ${table}_written AFTER INSERT OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION partner_graph_changed()`,
    );
    // An update that leaves the row as it was (a sweep touching rows) changes no answer.
    await queryRunner.query(
      `CREATE TRIGGER ${table}_changed AFTER UPDATE ON ${table} FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION partner_graph_changed()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER ${table}_truncated AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION partner_graph_changed()`,
    );
  }
}

export async function stopNotifyingChanges(queryRunner: QueryRunner, tables?: string[]): Promise<void> {
  for (const table of tables ?? (await watchedTables(queryRunner))) {
    await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_written ON ${table}`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_changed ON ${table}`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_truncated ON ${table}`);
  }
  if (!tables) await queryRunner.query(`DROP FUNCTION IF EXISTS partner_graph_changed()`);
}

async function watchedTables(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)) as {
    tablename: string;
  }[];
  return rows.map((row) => row.tablename).filter((name) => !NOT_WATCHED.has(name));
}

/** The migration each subgraph runs last: every table it has then notifies `CHANGES_CHANNEL`. */
export class ChangeNotifications1765100000000 implements MigrationInterface {
  name = 'ChangeNotifications1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await notifyChanges(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await stopNotifyingChanges(queryRunner);
  }
}
