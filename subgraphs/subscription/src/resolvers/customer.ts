import { authorize } from '@partner-graph/platform';
import type { CustomerResolvers, RenewalNoticeResolvers } from '../__generated__/resolvers-types.js';
import { READ_SUBSCRIPTIONS } from '../domain/rules.js';
import type { CustomerReference } from '../codegen-mappers.js';
import type { CustomerAccessInfo } from '../domain/remote-services.js';

export const Customer: CustomerResolvers = {
  // The customer subgraph owns Customer and its visibility; here it only carries subscriptions.
  __resolveReference: (reference) => reference,
  // The customer subgraph's answer for this viewer comes with the representation (`@requires`): a
  // customer it did not show (another partner's, or unknown) has none, and gets no subscriptions.
  subscriptions: async (customer, _args, { viewer, loaders }) => {
    authorize(viewer, READ_SUBSCRIPTIONS);
    const access = accessOf(customer);
    if (!access) return [];
    // The same facts the subscriptions' own fields (allowedActions) would ask the customer subgraph for.
    loaders.customerAccess.prime(customer.id, access);
    return loaders.subscriptionsByCustomer.load(customer.id);
  },
};

/** The access facts a representation carries; null unless all of them are there. */
function accessOf(customer: CustomerReference): CustomerAccessInfo | null {
  const { id, country, provisioningState, relationship, hasAdminRights, adminAccess } = customer;
  if (!country || !provisioningState || !relationship || typeof hasAdminRights !== 'boolean' || adminAccess === undefined) return null;
  return { customerId: id, country, provisioningState, relationship, hasAdminRights, adminAccess };
}

export const RenewalNotice: RenewalNoticeResolvers = {
  subscription: async (notice, _args, { loaders }) => {
    const row = await loaders.subscription.load(notice.subscriptionId);
    return row && (await loaders.customerAccess.load(row.customerId)) ? row : null;
  },
  customer: (notice) => ({ id: notice.customerId }),
};
