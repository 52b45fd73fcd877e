import type { DataSource } from 'typeorm';
import {
  authorize,
  decodeCursor,
  DomainError,
  isUuid,
  encodeCursor,
  forbidden,
  isAllowed,
  pageSize,
  readAuditTrail,
  SUBGRAPHS,
  toAuditTrailEntry,
  type AuditTrailEntry,
  type ServiceClient,
  type SubgraphName,
  type Viewer,
} from '@partner-graph/platform';

export interface AuditRecordView extends AuditTrailEntry {
  service: SubgraphName;
}

const QUERY = /* GraphQL */ `
  query AuditTrail($filter: AuditTrailFilter!, $first: Int!, $afterOccurredAt: DateTime, $afterId: ID) {
    auditTrail(filter: $filter, first: $first, afterOccurredAt: $afterOccurredAt, afterId: $afterId) {
      id partnerId userId operation resourceType resourceId customerId oldValue newValue outcome requestId occurredAt
    }
  }
`;

/** Newest first; ties by id, as every subgraph sorts its share. */
const newestFirst = (a: AuditTrailEntry, b: AuditTrailEntry): number =>
  a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.occurredAt < b.occurredAt ? 1 : -1;

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
    const mayRead = isAllowed(viewer, { companyRole: ['GLOBAL_ADMIN', 'USER_ADMIN', 'BILLING_ADMIN'] }) || isAllowed(viewer, { customerAccess: ['FULL', 'LIMITED'] });
    if (!mayRead) throw forbidden('Reading the audit trail requires an admin role or customer access');
    const size = pageSize(first);
    const position = decodeCursor(after) as [string, string] | null;
    if (position && (position.length !== 2 || typeof position[0] !== 'string' || Number.isNaN(Date.parse(position[0])) || typeof position[1] !== 'string' || !isUuid(position[1]))) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
    }
    const shared = { partnerId: partner.partnerId, from: filter.from ?? null, to: filter.to ?? null, customerId: filter.customerId ?? null, resourceType: filter.resourceType ?? null };
    const shares = await Promise.all(
      SUBGRAPHS.map(async (service): Promise<AuditRecordView[]> => {
        const entries =
          service === 'partner'
            ? (await readAuditTrail(this.db, shared, size + 1, position ? { occurredAt: position[0], id: position[1] } : null)).map(toAuditTrailEntry)
            : (
                await this.services.query<{ auditTrail: AuditTrailEntry[] }>(
                  service,
                  QUERY,
                  { filter: shared, first: size + 1, afterOccurredAt: position?.[0] ?? null, afterId: position?.[1] ?? null },
                  { viewer: { kind: 'system' }, requestId },
                )
              ).auditTrail;
        return entries.map((entry) => ({ ...entry, service }));
      }),
    );
    const merged = shares.flat().sort(newestFirst);
    const page = merged.slice(0, size);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor([node.occurredAt, node.id]), node })),
      pageInfo: { hasNextPage: merged.length > size, endCursor: page.length > 0 ? encodeCursor([page.at(-1)!.occurredAt, page.at(-1)!.id]) : null },
    };
  }
}
