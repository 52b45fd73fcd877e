import { authorize, requireService } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { READ_CUSTOMERS } from '../domain/access.js';

export const Query: QueryResolvers = {
  customers: (_root, args, { viewer, accounts }) => accounts.list(viewer, args),
  customer: (_root, { id }, { viewer, loaders }) => {
    authorize(viewer, READ_CUSTOMERS);
    return loaders.customer.load(id);
  },
  isDomainAvailable: (_root, { prefix }, { viewer, accounts }) => accounts.isDomainAvailable(viewer, prefix),
  delegatedAdminRelationships: (_root, { customerId }, { viewer, delegatedAdmin }) => delegatedAdmin.list(viewer, customerId),
  // Customer side: the code in the link is the only authorisation, and the answer says nothing else.
  delegatedAdminOfferByCode: async (_root, { code }, { delegatedAdmin, partnerContacts, requestId }) => {
    const offer = await delegatedAdmin.offerByCode(code);
    if (!offer) return { status: 'NOT_VALID', access: null, partner: null };
    return { status: 'PENDING', access: offer.access, partner: await partnerContacts(offer.partnerId, requestId) };
  },

  customerAccess: async (_root, { partnerId, customerIds }, { signed, accounts }) => {
    requireService(signed);
    const customers = await accounts.accessOf(partnerId, customerIds);
    return customers.map((c) => ({
      customerId: c.id,
      country: c.country,
      language: c.language,
      provisioningState: c.provisioningState,
      relationship: c.relationship,
      hasAdminRights: c.hasAdminRights,
      adminAccess: c.adminAccess,
    }));
  },
  customerUsersById: async (_root, { customerId, userIds }, { signed, loaders }) => {
    requireService(signed);
    const users = await loaders.user.loadMany(userIds);
    return users.flatMap((user) =>
      user && !(user instanceof Error) && user.customerId === customerId
        ? [{ id: user.id, customerId: user.customerId, isAdmin: user.isAdmin, deleted: user.deletedAt !== null }]
        : [],
    );
  },
};
