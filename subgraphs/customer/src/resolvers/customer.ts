import { isAllowed, unauthenticated } from '@partner-graph/platform';
import type { CustomerResolvers } from '../__generated__/resolvers-types.js';
import { READ_CUSTOMERS } from '../domain/access.js';

export const Customer: CustomerResolvers = {
  // Another partner's customer (or a viewer without customer access) gets null, like an unknown
  // id; an anonymous caller (a public acceptance's answer) is told to sign in.
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (viewer.kind === 'anonymous') throw unauthenticated();
    return isAllowed(viewer, READ_CUSTOMERS) ? loaders.customer.load(id) : null;
  },
  address: (c) =>
    c.addressLine1 && c.city && c.postalCode
      ? { line1: c.addressLine1, line2: c.addressLine2, city: c.city, region: c.region, postalCode: c.postalCode, country: c.country }
      : null,
  primaryContact: (c) => ({ firstName: c.contactFirstName, lastName: c.contactLastName, email: c.contactEmail, phone: c.contactPhone }),
  users: async (c, { includeDeleted }, { loaders }) => {
    const users = await loaders.usersOfCustomer.load(c.id);
    return includeDeleted ? users : users.filter((user) => user.deletedAt === null);
  },
  serviceRequests: async (c, { status }, { loaders }) => {
    const requests = await loaders.serviceRequestsOfCustomer.load(c.id);
    return status ? requests.filter((request) => request.status === status) : requests;
  },
  delegatedAdminRelationships: (c, _args, { loaders }) => loaders.relationshipsOfCustomer.load(c.id),
  // Only customers of the viewer's partner resolve here, so the grant is that partner's.
  accessGrant: (c, _args, { signAccess }) => signAccess(c),
};
