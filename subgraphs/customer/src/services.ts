import { Flows, PartnerContactDocument, servicesPerRuntime, type PartnerContactFragment } from '@partner-graph/platform';
import { CustomerStore, CustomerUserStore, DelegatedAdminStore, ServiceRequestStore, SignInFailureStore } from './db/index.js';
import { CustomerAccounts } from './domain/customer-accounts.js';
import { CustomerUsers } from './domain/customer-users.js';
import { DelegatedAdministration } from './domain/delegated-admin.js';
import { Provisioner } from './domain/provisioner.js';
import { ServiceRequests } from './domain/service-requests.js';

/** The customer subgraph's stores, built once per runtime: its services and loaders share them. */
export interface CustomerStores {
  customers: CustomerStore;
  users: CustomerUserStore;
  delegatedAdmin: DelegatedAdminStore;
  serviceRequests: ServiceRequestStore;
  signInFailures: SignInFailureStore;
}

export const customerStores = servicesPerRuntime((runtime): CustomerStores => ({
  customers: new CustomerStore(runtime.db),
  users: new CustomerUserStore(runtime.db),
  delegatedAdmin: new DelegatedAdminStore(runtime.db),
  serviceRequests: new ServiceRequestStore(runtime.db),
  signInFailures: new SignInFailureStore(runtime.db),
}));

/** The customer subgraph's domain services (in every request's context, and the workers'). */
export interface CustomerServices {
  accounts: CustomerAccounts;
  provisioner: Provisioner;
  users: CustomerUsers;
  serviceRequests: ServiceRequests;
  delegatedAdmin: DelegatedAdministration;
  /** The subgraph's durable flows (provisioning), for its workers. */
  flows: Flows;
  /** The partner's name and contact shown to customers (owned by the partner subgraph). */
  partnerContacts: (partnerId: string, requestId: string) => Promise<PartnerContactFragment | null>;
}

export const customerServices = servicesPerRuntime((runtime): CustomerServices => {
  const stores = customerStores(runtime);
  const flows = new Flows(runtime.db, runtime.clock, runtime.logger);
  const provisioner = new Provisioner(runtime.clock, runtime.serviceClient, flows, stores.customers);
  const delegatedAdmin = new DelegatedAdministration(
    runtime.db,
    runtime.clock,
    runtime.publicAcceptUrl,
    stores.delegatedAdmin,
    stores.users,
    stores.signInFailures,
  );
  return {
    // Asked as the system: the customer-facing page that shows it has no partner viewer.
    partnerContacts: async (partnerId, requestId) =>
      (await runtime.serviceClient.call('partner', PartnerContactDocument, { partnerId }, { viewer: { kind: 'system' }, requestId }))
        .partnerContact,
    accounts: new CustomerAccounts(
      runtime.db,
      runtime.clock,
      runtime.serviceClient,
      provisioner,
      (code) => delegatedAdmin.terminationUrl(code),
      stores.customers,
      stores.users,
      stores.delegatedAdmin,
    ),
    provisioner,
    users: new CustomerUsers(runtime.db, runtime.clock, runtime.serviceClient, stores.users),
    serviceRequests: new ServiceRequests(runtime.db, runtime.clock, stores.serviceRequests),
    delegatedAdmin,
    flows,
  };
});
