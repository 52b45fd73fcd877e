import type { DataSource } from 'typeorm';
import { authorize, decodeCursor, DomainError, isUuid, pageSize, toConnection, type Connection, type Viewer } from '@partner-graph/platform';
import { RenewalNotice, type RenewalNoticeRow } from '../db/index.js';
import { READ_SUBSCRIPTIONS } from './rules.js';

/** The renewal notices the lifecycle recorded for a partner on record. */
export class RenewalNotices {
  constructor(private readonly db: DataSource) {}

  async list(viewer: Viewer, first: number | null | undefined, after: string | null | undefined): Promise<Connection<RenewalNoticeRow>> {
    const partner = authorize(viewer, READ_SUBSCRIPTIONS);
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const query = this.db
      .getRepository(RenewalNotice)
      .createQueryBuilder('n')
      .where('n.partner_id = :partnerId', { partnerId: partner.partnerId })
      .orderBy('n.recorded_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(size + 1);
    if (cursor) {
      const [recordedAt, id] = cursor;
      if (typeof recordedAt !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(recordedAt))) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
      }
      query.andWhere('(n.recorded_at, n.id) < (:recordedAt, :id)', { recordedAt: new Date(recordedAt), id });
    }
    const rows = await query.getMany();
    return toConnection(rows, size, (row) => [row.recordedAt.toISOString(), row.id]);
  }
}
