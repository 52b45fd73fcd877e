import { authorize, decodeKeyset, pageSize, toConnection, type Connection, type Viewer } from '@partner-graph/platform';
import type { RenewalNoticeRow, SubscriptionStore } from '../db/index.js';
import { READ_SUBSCRIPTIONS } from './rules.js';

/** The renewal notices the lifecycle recorded for a partner on record. */
export class RenewalNotices {
  constructor(private readonly store: SubscriptionStore) {}

  async list(viewer: Viewer, first: number | null | undefined, after: string | null | undefined): Promise<Connection<RenewalNoticeRow>> {
    const partner = authorize(viewer, READ_SUBSCRIPTIONS);
    const size = pageSize(first);
    const rows = await this.store.renewalNotices(partner.partnerId, size + 1, decodeKeyset(after, 'timestamp'));
    return toConnection(rows, size, (row) => [row.recordedAt.toISOString(), row.id]);
  }
}
