import DataLoader from 'dataloader';
import { In, IsNull, MoreThan, type DataSource } from 'typeorm';
import { isUuid, type Clock, type Viewer } from '@partner-graph/platform';
import { CustomerUser, DelegatedAdminRelationship, ServiceRequest, ServiceRequestNote, type CustomerUserRow, type DelegatedAdminRelationshipRow, type ServiceRequestNoteRow, type ServiceRequestRow } from './db/index.js';
import { customersOfPartner, type CustomerAccessView } from './db/customer-views.js';
import { USER_RESTORE_DAYS } from './domain/rules.js';
import { addDays } from '@partner-graph/platform';

/** Batches every lookup by id of one request into one `WHERE id = ANY(...)` statement. */
function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length > 0 ? await load([...new Set(valid)]) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Batches the children of many parents into one statement, grouped by parent id. */
function byParent<T>(parentOf: (row: T) => string, load: (parentIds: string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return new DataLoader(async (parentIds) => {
    const valid = [...new Set(parentIds.filter(isUuid))];
    const rows = valid.length > 0 ? await load(valid) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const list = groups.get(parentOf(row)) ?? [];
      list.push(row);
      groups.set(parentOf(row), list);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** Per-request loaders; everything about customers is as the viewer's partner sees it. */
export function createLoaders(db: DataSource, clock: Clock, viewer: Viewer) {
  const partnerId = viewer.kind === 'partner-user' ? viewer.partnerId : null;
  const visibleSince = () => addDays(clock.now(), -USER_RESTORE_DAYS);
  return {
    /** Customers related to the viewer's partner (others are null, like unknown ids). */
    customer: byId<CustomerAccessView>((ids) => (partnerId ? customersOfPartner(db.manager, partnerId, ids, clock.now()) : Promise.resolve([]))),
    /** Users not yet purged (deleted ones included; the resolver filters). */
    user: byId<CustomerUserRow>((ids) =>
      db.getRepository(CustomerUser).find({ where: [{ id: In(ids), deletedAt: IsNull() }, { id: In(ids), deletedAt: MoreThan(visibleSince()) }] }),
    ),
    usersOfCustomer: byParent<CustomerUserRow>(
      (row) => row.customerId,
      (customerIds) =>
        db.getRepository(CustomerUser).find({
          where: [
            { customerId: In(customerIds), deletedAt: IsNull() },
            { customerId: In(customerIds), deletedAt: MoreThan(visibleSince()) },
          ],
          order: { userName: 'ASC' },
        }),
    ),
    serviceRequestsOfCustomer: byParent<ServiceRequestRow>(
      (row) => row.customerId,
      (customerIds) => (partnerId ? db.getRepository(ServiceRequest).find({ where: { customerId: In(customerIds), partnerId }, order: { createdAt: 'DESC', id: 'ASC' } }) : Promise.resolve([])),
    ),
    notesOfServiceRequest: byParent<ServiceRequestNoteRow>(
      (row) => row.serviceRequestId,
      (requestIds) => db.getRepository(ServiceRequestNote).find({ where: { serviceRequestId: In(requestIds) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ),
    relationshipsOfCustomer: byParent<DelegatedAdminRelationshipRow>(
      (row) => row.customerId,
      (customerIds) =>
        partnerId ? db.getRepository(DelegatedAdminRelationship).find({ where: { customerId: In(customerIds), partnerId }, order: { createdAt: 'DESC', id: 'ASC' } }) : Promise.resolve([]),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
