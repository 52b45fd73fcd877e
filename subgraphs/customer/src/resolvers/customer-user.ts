import { isAllowed } from '@partner-graph/platform';
import type { CustomerUserResolvers } from '../__generated__/resolvers-types.js';
import { READ_CUSTOMERS } from '../domain/access.js';
import { purgeAt } from '../domain/rules.js';

export const CustomerUser: CustomerUserResolvers = {
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (!isAllowed(viewer, READ_CUSTOMERS)) return null;
    const user = await loaders.user.load(id);
    // Visible only through a customer of the viewer's partner.
    return user && (await loaders.customer.load(user.customerId)) ? user : null;
  },
  customer: async (user, _args, { loaders }) => (await loaders.customer.load(user.customerId))!,
  displayName: (user) => `${user.firstName} ${user.lastName}`,
  deleted: (user) => user.deletedAt !== null,
  purgeAt: (user) => purgeAt(user),
};
