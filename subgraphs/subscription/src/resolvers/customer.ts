import { authorize } from '@partner-graph/platform';
import type { CustomerResolvers, RenewalNoticeResolvers } from '../__generated__/resolvers-types.js';
import { READ_SUBSCRIPTIONS } from '../domain/rules.js';
import { scheduledChangeOf } from './customer-subscription.js';

export const Customer: CustomerResolvers = {
  // The customer subgraph owns Customer and its visibility; here it only carries subscriptions.
  __resolveReference: (reference) => reference,
  // The customer subgraph's signed answer for this viewer comes with the representation
  // (`@requires`): a customer it did not show (another partner's, or unknown) has none, and a
  // made-up or another partner's grant does not verify: no subscriptions.
  subscriptions: async (customer, _args, { viewer, loaders, verifyAccess }) => {
    authorize(viewer, READ_SUBSCRIPTIONS);
    const access = verifyAccess(customer);
    if (!access) return [];
    // The same facts the subscriptions' own fields (allowedActions) would ask the customer subgraph for.
    loaders.customerAccess.prime(customer.id, access);
    return loaders.subscriptionsByCustomer.load(customer.id);
  },
};

export const RenewalNotice: RenewalNoticeResolvers = {
  subscription: async (notice, _args, { loaders }) => {
    const row = await loaders.subscription.load(notice.subscriptionId);
    return row && (await loaders.customerAccess.load(row.customerId)) ? row : null;
  },
  customer: (notice) => ({ id: notice.customerId }),
  scheduledChange: (notice) => scheduledChangeOf(notice, notice.scheduledChange),
};
