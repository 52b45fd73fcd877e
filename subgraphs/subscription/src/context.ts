import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { Actor, SubscriptionManager } from './domain/subscription-manager.js';
import type { RenewalNotices } from './domain/renewal-notices.js';
import type { Loaders } from './loaders.js';
import type { CustomerReference } from './codegen-mappers.js';
import type { CustomerAccessInfo } from './domain/remote-services.js';

export interface Context extends BaseSubgraphContext {
  loaders: Loaders;
  /** The viewer as the domain sees it, with customer access batched through `loaders`. */
  actor: Actor;
  subscriptions: SubscriptionManager;
  notices: RenewalNotices;
  /** The access a customer's `accessGrant` carries for the viewer's partner; null unless genuine. */
  verifyAccess(customer: CustomerReference): CustomerAccessInfo | null;
}
