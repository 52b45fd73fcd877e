import { addDays, loaderById, loaderByParent, type Clock, type Viewer } from '@partner-graph/platform';
import type { CustomerUserRow, DelegatedAdminRelationshipRow, ServiceRequestNoteRow, ServiceRequestRow } from './db/index.js';
import type { CustomerAccessView } from './db/customer-views.js';
import { USER_RESTORE_DAYS } from './domain/rules.js';
import type { CustomerStores } from './services.js';

/** Per-request loaders; everything about customers is as the viewer's partner sees it. */
export function createLoaders(stores: CustomerStores, clock: Clock, viewer: Viewer) {
  const partnerId = viewer.kind === 'partner-user' ? viewer.partnerId : null;
  const visibleSince = () => addDays(clock.now(), -USER_RESTORE_DAYS);
  return {
    /** Customers related to the viewer's partner (others are null, like unknown ids). */
    customer: loaderById<CustomerAccessView>((ids) =>
      partnerId ? stores.customers.ofPartner(partnerId, ids, clock.now()) : Promise.resolve([]),
    ),
    /** Users not yet purged (deleted ones included; the resolver filters). */
    user: loaderById<CustomerUserRow>((ids) => stores.users.visibleByIds(ids, visibleSince())),
    usersOfCustomer: loaderByParent<CustomerUserRow>(
      (row) => row.customerId,
      (customerIds) => stores.users.visibleOfCustomers(customerIds, visibleSince()),
    ),
    serviceRequestsOfCustomer: loaderByParent<ServiceRequestRow>(
      (row) => row.customerId,
      (customerIds) => (partnerId ? stores.serviceRequests.ofCustomers(partnerId, customerIds) : Promise.resolve([])),
    ),
    notesOfServiceRequest: loaderByParent<ServiceRequestNoteRow>(
      (row) => row.serviceRequestId,
      (requestIds) => stores.serviceRequests.notesOf(requestIds),
    ),
    relationshipsOfCustomer: loaderByParent<DelegatedAdminRelationshipRow>(
      (row) => row.customerId,
      (customerIds) => (partnerId ? stores.delegatedAdmin.ofCustomers(partnerId, customerIds) : Promise.resolve([])),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
