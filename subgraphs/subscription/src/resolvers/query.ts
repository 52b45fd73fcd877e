import { authorize, isUuid, requireService } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  subscription: async (_root, { id }, { viewer, loaders }) => {
    authorize(viewer, { customerAccess: ['FULL', 'LIMITED'] });
    const row = isUuid(id) ? await loaders.subscription.load(id) : null;
    // Another partner's subscription reads exactly like an unknown id.
    return row && (await loaders.customerAccess.load(row.customerId)) ? row : null;
  },
  subscriptionIdsForCustomer: (_root, { customerId }, { signed, subscriptions }) => {
    requireService(signed);
    return subscriptions.subscriptionIdsForCustomer(customerId);
  },
  // A bad page size or cursor throws a DomainError: the platform answers it BAD_USER_INPUT.
  renewalNotices: (_root, { first, after }, { viewer, notices }) => notices.list(viewer, first, after),
};
