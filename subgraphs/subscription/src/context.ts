import type { BaseSubgraphContext, Clock, CustomerAccessInfo } from '@partner-graph/platform';
import type { SubscriptionActor } from './domain/subscription-manager.js';
import type { Loaders } from './loaders.js';
import type { SubscriptionServices } from './services.js';
import type { CustomerReference } from './codegen-mappers.js';

/** A request's context: the base, this subgraph's domain services and the request's loaders. */
export interface Context extends BaseSubgraphContext, SubscriptionServices {
  loaders: Loaders;
  /** The runtime's clock (what the viewer may do now: a trial running, the cancellation window). */
  clock: Clock;
  /** The viewer as the domain sees it, with customer access batched through `loaders`. */
  actor: SubscriptionActor;
  /** The access a customer's `accessGrant` carries for the viewer's partner; null unless genuine. */
  verifyAccess(customer: CustomerReference): CustomerAccessInfo | null;
}
