import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import { DEFAULT_AUDIT_RETENTION_DAYS } from './config.js';
import type { JobBundle, JobHandler } from './jobs.js';
import { AUDIT_PURGE_SETTING, AuditRecordEntity, type AuditRecord } from './platform-tables.js';
import { isUuid } from './validation.js';

export interface AuditTrailFilter {
  partnerId: string;
  from?: string | Date | null;
  to?: string | Date | null;
  customerId?: string | null;
  resourceType?: string | null;
}

/** Position in the merged trail: newest first, ties broken by id. */
export interface AuditPosition {
  occurredAt: string | Date;
  id: string;
}

/**
 * One subgraph's share of a partner's audit trail, newest first, strictly after `after` —
 * the partner subgraph merges every subgraph's share into one list.
 */
export async function readAuditTrail(
  db: DataSource,
  filter: AuditTrailFilter,
  first: number,
  after: AuditPosition | null,
): Promise<AuditRecord[]> {
  if (!isUuid(filter.partnerId)) return [];
  const query = db
    .getRepository(AuditRecordEntity)
    .createQueryBuilder('a')
    .where('a.partner_id = :partnerId', { partnerId: filter.partnerId })
    .orderBy('a.occurred_at', 'DESC')
    .addOrderBy('a.id', 'DESC')
    .limit(first);
  if (filter.from) query.andWhere('a.occurred_at >= :from', { from: new Date(filter.from) });
  if (filter.to) query.andWhere('a.occurred_at < :to', { to: new Date(filter.to) });
  if (filter.customerId) {
    if (!isUuid(filter.customerId)) return [];
    query.andWhere('a.customer_id = :customerId', { customerId: filter.customerId });
  }
  if (filter.resourceType) query.andWhere('a.resource_type = :resourceType', { resourceType: filter.resourceType });
  if (after) query.andWhere('(a.occurred_at, a.id) < (:at, :id)', { at: new Date(after.occurredAt), id: after.id });
  return query.getMany();
}

/** An audit record as the internal `auditTrail` field returns it (values JSON-encoded). */
export type AuditTrailEntry = Omit<AuditRecord, 'oldValue' | 'newValue' | 'occurredAt'> & {
  oldValue: string | null;
  newValue: string | null;
  occurredAt: string;
};

/** Resolver of the internal `auditTrail` field every subgraph declares. */
export function auditTrailResolver(db: DataSource) {
  return async (
    _root: unknown,
    args: { filter: AuditTrailFilter; first: number; afterOccurredAt?: Date | string | null; afterId?: string | null },
  ): Promise<AuditTrailEntry[]> => {
    const after =
      args.afterOccurredAt && args.afterId && isUuid(args.afterId) ? { occurredAt: args.afterOccurredAt, id: args.afterId } : null;
    const rows = await readAuditTrail(db, args.filter, Math.min(Math.max(args.first, 1), 101), after);
    return rows.map(toAuditTrailEntry);
  };
}

export function toAuditTrailEntry(row: AuditRecord): AuditTrailEntry {
  return {
    ...row,
    occurredAt: row.occurredAt.toISOString(),
    oldValue: row.oldValue === null ? null : JSON.stringify(row.oldValue),
    newValue: row.newValue === null ? null : JSON.stringify(row.newValue),
  };
}

/** Records deleted per statement: a first purge of a large trail never holds one long transaction. */
const PURGE_BATCH = 5_000;

/**
 * Deletes the audit records that occurred before `before`, in batches, each in a transaction
 * that lets the append-only trigger allow exactly that (`allowAuditRetention`); returns how many.
 */
export async function purgeAuditRecords(db: DataSource, before: Date): Promise<number> {
  let purged = 0;
  for (;;) {
    const deleted = await db.transaction(async (manager) => {
      await manager.query(`SELECT set_config($1, $2, true)`, [AUDIT_PURGE_SETTING, before.toISOString()]);
      const [, count]: [unknown, number] = await manager.query(
        `DELETE FROM audit_record WHERE id IN (SELECT id FROM audit_record WHERE occurred_at < $1 LIMIT $2)`,
        [before, PURGE_BATCH],
      );
      return count;
    });
    purged += deleted;
    if (deleted < PURGE_BATCH) return purged;
  }
}

export const AUDIT_PURGE_QUEUE = 'audit-purge';

/** The daily purge of audit records older than the retention (`AUDIT_RETENTION_DAYS`), on a subgraph's job queue. */
export function auditRetentionJobs(runtime: { db: DataSource; clock: Clock; auditRetentionDays?: number }): JobBundle<JobHandler> {
  const days = runtime.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  return {
    handlers: {
      [AUDIT_PURGE_QUEUE]: async () => {
        await purgeAuditRecords(runtime.db, new Date(runtime.clock.now().getTime() - days * 86_400_000));
      },
    },
    schedules: [{ queue: AUDIT_PURGE_QUEUE, cron: '23 4 * * *' }],
  };
}
