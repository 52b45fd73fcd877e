import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { Actor } from './domain/subscription-manager.js';
import type { Loaders } from './loaders.js';
import type { SubscriptionServices } from './services.js';

/** A request's context: the base, this subgraph's domain services and the request's loaders. */
export interface Context extends BaseSubgraphContext, SubscriptionServices {
  loaders: Loaders;
  /** The viewer as the domain sees it, with customer access batched through `loaders`. */
  actor: Actor;
}
