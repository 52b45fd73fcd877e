import { servicesPerRuntime } from '@partner-graph/platform';
import { SubscriptionStore } from './db/index.js';
import { RenewalNotices } from './domain/renewal-notices.js';
import { SubscriptionManager } from './domain/subscription-manager.js';

/** The subscription subgraph's store, built once per runtime: its services, loaders and lifecycle share it. */
export const subscriptionStore = servicesPerRuntime((runtime) => new SubscriptionStore(runtime.db));

/** The subscription subgraph's domain services (in every request's context). */
export interface SubscriptionServices {
  subscriptions: SubscriptionManager;
  notices: RenewalNotices;
}

export const subscriptionServices = servicesPerRuntime((runtime): SubscriptionServices => {
  const store = subscriptionStore(runtime);
  return {
    subscriptions: new SubscriptionManager(runtime.db, runtime.clock, runtime.serviceClient, store),
    notices: new RenewalNotices(store),
  };
});
