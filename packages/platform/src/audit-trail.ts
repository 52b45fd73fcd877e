import type { DataSource } from 'typeorm';
import { AuditRecordEntity, type AuditRecord } from './platform-tables.js';
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
export async function readAuditTrail(db: DataSource, filter: AuditTrailFilter, first: number, after: AuditPosition | null): Promise<AuditRecord[]> {
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
export type AuditTrailEntry = Omit<AuditRecord, 'oldValue' | 'newValue' | 'occurredAt'> & { oldValue: string | null; newValue: string | null; occurredAt: string };

/** Resolver of the internal `auditTrail` field every subgraph declares. */
export function auditTrailResolver(db: DataSource) {
  return async (
    _root: unknown,
    args: { filter: AuditTrailFilter; first: number; afterOccurredAt?: Date | string | null; afterId?: string | null },
  ): Promise<AuditTrailEntry[]> => {
    const after = args.afterOccurredAt && args.afterId && isUuid(args.afterId) ? { occurredAt: args.afterOccurredAt, id: args.afterId } : null;
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
