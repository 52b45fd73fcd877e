import { GraphQLError } from 'graphql';
import { authorize, DomainError, isUuid, requireService } from '@partner-graph/platform';
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
  renewalNotices: async (_root, { first, after }, { viewer, notices }) => {
    try {
      return await notices.list(viewer, first, after);
    } catch (error) {
      if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: error.errors[0]?.field } });
      throw error;
    }
  },
};
