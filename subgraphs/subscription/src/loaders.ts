import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { isUuid, type Viewer } from '@partner-graph/platform';
import { LicenceAssignment, Subscription, SubscriptionHistory, type LicenceAssignmentRow, type SubscriptionHistoryRow, type SubscriptionRow } from './db/index.js';
import type { CustomerAccessInfo, RemoteServices } from './domain/remote-services.js';

/** Batches every list child of one request by its parent ids into one `WHERE ... IN (...)` statement. */
function groupedBy<T>(load: (ids: string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length > 0 ? await load(valid) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
    return ids.map((id) => groups.get(id) ?? []);
  });
}

export function createLoaders(db: DataSource, remote: RemoteServices, as: { viewer: Viewer; requestId: string }) {
  return {
    subscription: new DataLoader<string, SubscriptionRow | null>(async (ids) => {
      const valid = [...new Set(ids.filter(isUuid))];
      const rows = valid.length > 0 ? await db.getRepository(Subscription).findBy({ id: In(valid) }) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    subscriptionsByCustomer: groupedBy<SubscriptionRow>(
      (ids) => db.getRepository(Subscription).find({ where: { customerId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }),
      (row) => row.customerId,
    ),
    licenceAssignments: groupedBy<LicenceAssignmentRow>(
      (ids) => db.getRepository(LicenceAssignment).find({ where: { subscriptionId: In(ids) }, order: { assignedAt: 'ASC', customerUserId: 'ASC' } }),
      (row) => row.subscriptionId,
    ),
    history: groupedBy<SubscriptionHistoryRow>(
      (ids) => db.getRepository(SubscriptionHistory).find({ where: { subscriptionId: In(ids) }, order: { seq: 'ASC' } }),
      (row) => row.subscriptionId,
    ),
    /** The viewer's partner's access to customers: one call to the customer subgraph per batch. */
    customerAccess: new DataLoader<string, CustomerAccessInfo | null>(async (ids) => {
      const viewer = as.viewer;
      if (viewer.kind !== 'partner-user') return ids.map(() => null);
      const valid = [...new Set(ids.filter(isUuid))];
      const infos = await remote.customerAccess(as, viewer.partnerId, valid);
      const found = new Map(infos.map((info) => [info.customerId, info]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
