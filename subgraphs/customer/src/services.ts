import type { SubgraphRuntime } from '@partner-graph/platform';
import { CustomerAccounts } from './domain/customer-accounts.js';
import { CustomerUsers } from './domain/customer-users.js';
import { DelegatedAdministration } from './domain/delegated-admin.js';
import { OfferCatalogue } from './domain/offer-catalogue.js';
import { Provisioner } from './domain/provisioner.js';
import { ServiceRequests } from './domain/service-requests.js';
import { TenantLicences } from './domain/tenant-licences.js';
import { WorkQueue } from './domain/work-queue.js';

/** The customer subgraph's domain services, built once per runtime (the server and the workers share them). */
export interface CustomerSubgraphServices {
  accounts: CustomerAccounts;
  provisioner: Provisioner;
  users: CustomerUsers;
  serviceRequests: ServiceRequests;
  delegatedAdmin: DelegatedAdministration;
  work: WorkQueue;
  /** The partner's name and contact shown to customers (owned by the partner subgraph). */
  partnerContacts: (partnerId: string, requestId: string) => Promise<{ companyName: string; email: string; phone: string; website: string | null } | null>;
}

const built = new WeakMap<SubgraphRuntime, CustomerSubgraphServices>();

export function customerServices(runtime: SubgraphRuntime): CustomerSubgraphServices {
  let services = built.get(runtime);
  if (!services) {
    const work = new WorkQueue(runtime.logger);
    const provisioner = new Provisioner(runtime.db, runtime.clock, runtime.services, runtime.logger);
    const delegatedAdmin = new DelegatedAdministration(runtime.db, runtime.clock, runtime.publicAcceptUrl);
    services = {
      partnerContacts: async (partnerId, requestId) => {
        const data = await runtime.services.query<{ partnerContact: Awaited<ReturnType<CustomerSubgraphServices['partnerContacts']>> }>(
          'partner',
          'query($partnerId: ID!) { partnerContact(partnerId: $partnerId) { companyName email phone website } }',
          { partnerId },
          { viewer: { kind: 'system' }, requestId },
        );
        return data.partnerContact;
      },
      accounts: new CustomerAccounts(runtime.db, runtime.clock, new OfferCatalogue(runtime.services), work, (code) => delegatedAdmin.terminationUrl(code)),
      provisioner,
      users: new CustomerUsers(runtime.db, runtime.clock, new TenantLicences(runtime.services)),
      serviceRequests: new ServiceRequests(runtime.db, runtime.clock),
      delegatedAdmin,
      work,
    };
    built.set(runtime, services);
  }
  return services;
}
