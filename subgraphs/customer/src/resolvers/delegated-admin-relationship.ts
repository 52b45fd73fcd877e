import type { DelegatedAdminRelationshipResolvers } from '../__generated__/resolvers-types.js';
import { effectiveStatus } from '../domain/rules.js';

export const DelegatedAdminRelationship: DelegatedAdminRelationshipResolvers = {
  customer: async (relationship, _args, { loaders }) => (await loaders.customer.load(relationship.customerId))!,
  status: (relationship, _args, { clock }) => effectiveStatus(relationship, clock.now()),
};
