import { platformEntities } from '@partner-graph/platform';
import { LicenceAssignment, RenewalNotice, Subscription, SubscriptionHistory } from './entities.js';
import { CustomerSubscriptions1763900000000 } from './migrations/1763900000000-CustomerSubscriptions.js';

export const entities = [Subscription, LicenceAssignment, SubscriptionHistory, RenewalNotice, ...platformEntities];
export const migrations = [CustomerSubscriptions1763900000000];
export { LicenceAssignment, RenewalNotice, Subscription, SubscriptionHistory };
export * from './entities.js';
