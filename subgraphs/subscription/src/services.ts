import { servicesPerRuntime } from '@partner-graph/platform';
import { RenewalNotices } from './domain/renewal-notices.js';
import { SubscriptionManager } from './domain/subscription-manager.js';

/** The subscription subgraph's domain services (in every request's context). */
export interface SubscriptionServices {
  subscriptions: SubscriptionManager;
  notices: RenewalNotices;
}

export const subscriptionServices = servicesPerRuntime((runtime): SubscriptionServices => {
  return {
    subscriptions: new SubscriptionManager(runtime.db, runtime.clock, runtime.serviceClient),
    notices: new RenewalNotices(runtime.db),
  };
});
