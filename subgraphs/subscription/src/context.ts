import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { Actor, SubscriptionManager } from './domain/subscription-manager.js';
import type { RenewalNotices } from './domain/renewal-notices.js';
import type { Loaders } from './loaders.js';

export interface Context extends BaseSubgraphContext {
  loaders: Loaders;
  /** The viewer as the domain sees it, with customer access batched through `loaders`. */
  actor: Actor;
  subscriptions: SubscriptionManager;
  notices: RenewalNotices;
}
