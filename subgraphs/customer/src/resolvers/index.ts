import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer } from './customer.js';
import { CustomerUser } from './customer-user.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { DelegatedAdminRelationship } from './delegated-admin-relationship.js';
import { ServiceRequest } from './service-request.js';

export const resolvers: Resolvers = { Query, Mutation, Customer, CustomerUser, ServiceRequest, DelegatedAdminRelationship };
