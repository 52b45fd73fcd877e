import type { DataSource } from 'typeorm';
import {
  AuditTrailDocument,
  authorize,
  decodeKeyset,
  forbidden,
  pageSize,
  readAuditTrail,
  SUBGRAPHS,
  toAuditTrailEntry,
  type AuditTrailEntry,
  type ServiceClient,
  type SubgraphName,
  type Viewer,
} from '@partner-graph/platform';
import { mayReadAuditTrail, mergeAuditShares } from './rules.js';

export interface AuditRecordView extends AuditTrailEntry {
  service: SubgraphName;
}

/**
 * The partner's audit trail: every subgraph keeps the records of its own mutations; this reads
 * a page from each (keyset after the cursor) and merges them, so a page costs one query per
 * subgraph however deep it is.
 */
export class AuditTrail {
  constructor(
    private readonly db: DataSource,
    private readonly services: ServiceClient,
  ) {}

  async list(
    viewer: Viewer,
    requestId: string,
    filter: { from?: Date | string | null; to?: Date | string | null; customerId?: string | null; resourceType?: string | null },
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    const partner = authorize(viewer);
    if (!mayReadAuditTrail(viewer)) throw forbidden('Reading the audit trail requires an admin role or customer access');
    const size = pageSize(first);
    const position = decodeKeyset(after, 'timestamp');
    const shared = {
      partnerId: partner.partnerId,
      from: filter.from ?? null,
      to: filter.to ?? null,
      customerId: filter.customerId ?? null,
      resourceType: filter.resourceType ?? null,
    };
    const shares = await Promise.all(
      SUBGRAPHS.map(async (service): Promise<AuditRecordView[]> => {
        const entries =
          service === 'partner'
            ? (await readAuditTrail(this.db, shared, size + 1, position ? { occurredAt: position.key, id: position.id } : null)).map(
                toAuditTrailEntry,
              )
            : (
                await this.services.call(
                  service,
                  AuditTrailDocument,
                  { filter: shared, first: size + 1, afterOccurredAt: position?.key ?? null, afterId: position?.id ?? null },
                  { viewer: { kind: 'system' }, requestId },
                )
              ).auditTrail;
        return entries.map((entry) => ({ ...entry, service }));
      }),
    );
    return mergeAuditShares(shares, size);
  }
}
