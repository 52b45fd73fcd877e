import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer, RenewalNotice } from './customer.js';
import { CustomerSubscription, LicenceAssignment, ScheduledSubscriptionChange, SubscriptionHistoryEntry } from './customer-subscription.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Customer,
  CustomerSubscription,
  LicenceAssignment,
  SubscriptionHistoryEntry,
  RenewalNotice,
  ScheduledSubscriptionChange,
};
