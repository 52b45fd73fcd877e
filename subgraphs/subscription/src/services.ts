import { servicesPerRuntime } from '@partner-graph/platform';
import { RemoteServices } from './domain/remote-services.js';
import { RenewalNotices } from './domain/renewal-notices.js';
import { SubscriptionManager } from './domain/subscription-manager.js';

/** The subscription subgraph's domain services (in every request's context). */
export interface SubscriptionServices {
  subscriptions: SubscriptionManager;
  notices: RenewalNotices;
  /** The other subgraphs' answers this one needs (customer access, users, offers). */
  remote: RemoteServices;
}

export const subscriptionServices = servicesPerRuntime((runtime): SubscriptionServices => {
  const remote = new RemoteServices(runtime.serviceClient);
  return { remote, subscriptions: new SubscriptionManager(runtime.db, runtime.clock, remote), notices: new RenewalNotices(runtime.db) };
});
