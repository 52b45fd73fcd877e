import { EntitySchema, type EntityManager, type QueryRunner } from 'typeorm';
import { sha256 } from './secrets.js';
import { DomainError } from './errors.js';
import type { Clock } from './clock.js';
import type { Actor } from './viewer.js';

/**
 * Tables every subgraph's database has: the audit trail of its mutations and the stored
 * results of idempotent creates. Each subgraph's first migration creates them.
 */
export interface AuditRecord {
  id: string;
  partnerId: string | null;
  userId: string | null;
  operation: string;
  resourceType: string;
  resourceId: string | null;
  customerId: string | null;
  oldValue: object | null;
  newValue: object | null;
  outcome: string;
  requestId: string;
  occurredAt: Date;
}

export const AuditRecordEntity = new EntitySchema<AuditRecord>({
  name: 'AuditRecord',
  tableName: 'audit_record',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    partnerId: { type: 'uuid', name: 'partner_id', nullable: true },
    userId: { type: 'uuid', name: 'user_id', nullable: true },
    operation: { type: 'text' },
    resourceType: { type: 'text', name: 'resource_type' },
    resourceId: { type: 'text', name: 'resource_id', nullable: true },
    customerId: { type: 'uuid', name: 'customer_id', nullable: true },
    oldValue: { type: 'jsonb', name: 'old_value', nullable: true },
    newValue: { type: 'jsonb', name: 'new_value', nullable: true },
    outcome: { type: 'text' },
    requestId: { type: 'text', name: 'request_id' },
    occurredAt: { type: 'timestamptz', name: 'occurred_at' },
  },
});

export interface IdempotencyRecord {
  scope: string;
  operation: string;
  key: string;
  requestHash: string;
  response: object | null;
  createdAt: Date;
}

export const IdempotencyRecordEntity = new EntitySchema<IdempotencyRecord>({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  columns: {
    scope: { type: 'text', primary: true },
    operation: { type: 'text', primary: true },
    key: { type: 'text', primary: true },
    requestHash: { type: 'text', name: 'request_hash' },
    response: { type: 'jsonb', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

export const platformEntities = [AuditRecordEntity, IdempotencyRecordEntity];

export async function createPlatformTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE audit_record (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      partner_id uuid,
      user_id uuid,
      operation text NOT NULL,
      resource_type text NOT NULL,
      resource_id text,
      customer_id uuid,
      old_value jsonb,
      new_value jsonb,
      outcome text NOT NULL,
      request_id text NOT NULL,
      occurred_at timestamptz NOT NULL
    )`);
  await queryRunner.query(`CREATE INDEX audit_record_partner_time ON audit_record (partner_id, occurred_at DESC, id DESC)`);
  // Append-only: the trail can be read and added to, never rewritten.
  await queryRunner.query(`
    CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$`);
  await queryRunner.query(`
    CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()`);
  await queryRunner.query(`
    CREATE TABLE idempotency_record (
      scope text NOT NULL,
      operation text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      response jsonb,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (scope, operation, key)
    )`);
}

export async function dropPlatformTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE idempotency_record`);
  await queryRunner.query(`DROP TABLE audit_record`);
  await queryRunner.query(`DROP FUNCTION audit_record_append_only`);
}

/** Where the retention purge puts its cutoff for the trigger to read, in its own transaction only. */
export const AUDIT_PURGE_SETTING = 'partner_graph.audit_purge_before';

/**
 * Audit records still cannot be rewritten, but the retention purge may delete those older than
 * the cutoff it sets for its own transaction (`AUDIT_PURGE_SETTING`); and it finds them by time.
 */
export async function allowAuditRetention(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND OLD.occurred_at < nullif(current_setting('${AUDIT_PURGE_SETTING}', true), '')::timestamptz THEN RETURN OLD; END IF;
      RAISE EXCEPTION 'audit records are append-only';
    END $$`);
  await queryRunner.query(`CREATE INDEX audit_record_occurred_at ON audit_record (occurred_at)`);
}

export async function forbidAuditRetention(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP INDEX audit_record_occurred_at`);
  await queryRunner.query(`
    CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$`);
}

export interface AuditEntry {
  /**
   * The partner the record belongs to when the actor is not one of its users: a customer-side
   * action on its invitation, a background job on its customer's account.
   */
  partnerId?: string | null;
  operation: string;
  resourceType: string;
  resourceId?: string | null;
  customerId?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  outcome?: string;
}

/** Writes one audit record in the caller's transaction. */
export async function writeAudit(manager: EntityManager, actor: Actor & { clock: Clock }, entry: AuditEntry): Promise<void> {
  const viewer = actor.viewer;
  await manager.insert(AuditRecordEntity, {
    partnerId: viewer.kind === 'partner-user' ? viewer.partnerId : (entry.partnerId ?? null),
    userId: viewer.kind === 'partner-user' ? viewer.userId : null,
    operation: entry.operation,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    customerId: entry.customerId ?? null,
    oldValue: (entry.oldValue ?? null) as object | null,
    newValue: (entry.newValue ?? null) as object | null,
    outcome: entry.outcome ?? 'SUCCESS',
    requestId: actor.requestId,
    occurredAt: actor.clock.now(),
  });
}

function sameRequest(record: IdempotencyRecord, requestHash: string): IdempotencyRecord {
  if (record.requestHash !== requestHash) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', 'idempotencyKey');
  }
  return record;
}

/**
 * The result an `idempotent` create already recorded under this key, or null. A service that
 * must call another before its transaction asks first, so a replay answers as it did without
 * calling again (the remote answer may have changed since).
 */
export async function recordedResult<T>(
  manager: EntityManager,
  ids: { scope: string; operation: string; key: string | null | undefined; request: unknown },
): Promise<{ result: T } | null> {
  if (!ids.key) return null;
  const existing = await manager.findOneBy(IdempotencyRecordEntity, { scope: ids.scope, operation: ids.operation, key: ids.key });
  if (!existing || existing.response === null) return null;
  return { result: sameRequest(existing, sha256(JSON.stringify(ids.request ?? null))).response as T };
}

/** Whether an `idempotent` create was recorded under this key (whatever its request). */
export function idempotencyKeyUsed(manager: EntityManager, ids: { scope: string; operation: string; key: string }): Promise<boolean> {
  return manager.existsBy(IdempotencyRecordEntity, ids);
}

/**
 * Runs `create` at most once per (scope, operation, key): the first run's result is stored in
 * the same transaction, so a retry — even a concurrent one, which waits on the row lock —
 * gets the first result and creates nothing. A failed run stores nothing and can be retried.
 */
export async function idempotent<T>(
  manager: EntityManager,
  ids: { scope: string; operation: string; key: string | null | undefined; request: unknown; clock: Clock },
  create: () => Promise<T>,
): Promise<T> {
  if (!ids.key) return create();
  if (ids.key.length > 200) throw new DomainError('VALIDATION_FAILED', 'idempotencyKey is too long', 'idempotencyKey');
  const requestHash = sha256(JSON.stringify(ids.request ?? null));
  const inserted = await manager
    .createQueryBuilder()
    .insert()
    .into(IdempotencyRecordEntity)
    .values({ scope: ids.scope, operation: ids.operation, key: ids.key, requestHash, response: null, createdAt: ids.clock.now() })
    .orIgnore()
    .returning(['key'])
    .execute();
  if (inserted.raw.length === 0) {
    const existing = await manager.findOneByOrFail(IdempotencyRecordEntity, { scope: ids.scope, operation: ids.operation, key: ids.key });
    return sameRequest(existing, requestHash).response as T;
  }
  const result = await create();
  await manager.update(
    IdempotencyRecordEntity,
    { scope: ids.scope, operation: ids.operation, key: ids.key },
    { response: result as object },
  );
  return result;
}
