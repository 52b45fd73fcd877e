import { Flows, PartnerContactDocument, servicesPerRuntime, type PartnerContactFragment } from '@partner-graph/platform';
import { CustomerAccounts } from './domain/customer-accounts.js';
import { CustomerUsers } from './domain/customer-users.js';
import { DelegatedAdministration } from './domain/delegated-admin.js';
import { Provisioner } from './domain/provisioner.js';
import { ServiceRequests } from './domain/service-requests.js';

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
  const flows = new Flows(runtime.db, runtime.clock, runtime.logger);
  const provisioner = new Provisioner(runtime.db, runtime.clock, runtime.serviceClient, flows);
  const delegatedAdmin = new DelegatedAdministration(runtime.db, runtime.clock, runtime.publicAcceptUrl);
  return {
    // Asked as the system: the customer-facing page that shows it has no partner viewer.
    partnerContacts: async (partnerId, requestId) =>
      (await runtime.serviceClient.query('partner', PartnerContactDocument, { partnerId }, { viewer: { kind: 'system' }, requestId }))
        .partnerContact,
    accounts: new CustomerAccounts(runtime.db, runtime.clock, runtime.serviceClient, provisioner, (code) =>
      delegatedAdmin.terminationUrl(code),
    ),
    provisioner,
    users: new CustomerUsers(runtime.db, runtime.clock, runtime.serviceClient),
    serviceRequests: new ServiceRequests(runtime.db, runtime.clock),
    delegatedAdmin,
    flows,
  };
});
