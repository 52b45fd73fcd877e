import { authorize } from '@partner-graph/platform';
import type { CustomerResolvers, RenewalNoticeResolvers } from '../__generated__/resolvers-types.js';
import { READ_SUBSCRIPTIONS } from '../domain/rules.js';

export const Customer: CustomerResolvers = {
  // The customer subgraph owns Customer and its visibility; here it only carries subscriptions.
  __resolveReference: ({ id }) => ({ id }),
  subscriptions: async ({ id }, _args, { viewer, loaders }) => {
    authorize(viewer, READ_SUBSCRIPTIONS);
    const [access, rows] = await Promise.all([loaders.customerAccess.load(id), loaders.subscriptionsByCustomer.load(id)]);
    return access ? rows : [];
  },
};

export const RenewalNotice: RenewalNoticeResolvers = {
  subscription: async (notice, _args, { loaders }) => {
    const row = await loaders.subscription.load(notice.subscriptionId);
    return row && (await loaders.customerAccess.load(row.customerId)) ? row : null;
  },
  customer: (notice) => ({ id: notice.customerId }),
};
