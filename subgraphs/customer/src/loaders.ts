import { In, IsNull, MoreThan, type DataSource } from 'typeorm';
import { addDays, loaderById, loaderByParent, type Clock, type Viewer } from '@partner-graph/platform';
import {
  CustomerUser,
  DelegatedAdminRelationship,
  ServiceRequest,
  ServiceRequestNote,
  type CustomerUserRow,
  type DelegatedAdminRelationshipRow,
  type ServiceRequestNoteRow,
  type ServiceRequestRow,
} from './db/index.js';
import { customersOfPartner, type CustomerAccessView } from './db/customer-views.js';
import { USER_RESTORE_DAYS } from './domain/rules.js';

/** Per-request loaders; everything about customers is as the viewer's partner sees it. */
export function createLoaders(db: DataSource, clock: Clock, viewer: Viewer) {
  const partnerId = viewer.kind === 'partner-user' ? viewer.partnerId : null;
  const visibleSince = () => addDays(clock.now(), -USER_RESTORE_DAYS);
  return {
    /** Customers related to the viewer's partner (others are null, like unknown ids). */
    customer: loaderById<CustomerAccessView>((ids) =>
      partnerId ? customersOfPartner(db.manager, partnerId, ids, clock.now()) : Promise.resolve([]),
    ),
    /** Users not yet purged (deleted ones included; the resolver filters). */
    user: loaderById<CustomerUserRow>((ids) =>
      db.getRepository(CustomerUser).find({
        where: [
          { id: In(ids), deletedAt: IsNull() },
          { id: In(ids), deletedAt: MoreThan(visibleSince()) },
        ],
      }),
    ),
    usersOfCustomer: loaderByParent<CustomerUserRow>(
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
    serviceRequestsOfCustomer: loaderByParent<ServiceRequestRow>(
      (row) => row.customerId,
      (customerIds) =>
        partnerId
          ? db
              .getRepository(ServiceRequest)
              .find({ where: { customerId: In(customerIds), partnerId }, order: { createdAt: 'DESC', id: 'ASC' } })
          : Promise.resolve([]),
    ),
    notesOfServiceRequest: loaderByParent<ServiceRequestNoteRow>(
      (row) => row.serviceRequestId,
      (requestIds) =>
        db.getRepository(ServiceRequestNote).find({ where: { serviceRequestId: In(requestIds) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ),
    relationshipsOfCustomer: loaderByParent<DelegatedAdminRelationshipRow>(
      (row) => row.customerId,
      (customerIds) =>
        partnerId
          ? db
              .getRepository(DelegatedAdminRelationship)
              .find({ where: { customerId: In(customerIds), partnerId }, order: { createdAt: 'DESC', id: 'ASC' } })
          : Promise.resolve([]),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
