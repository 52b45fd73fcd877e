import type { BaseSubgraphContext, Clock } from '@partner-graph/platform';
import type { CustomerServices } from './services.js';
import type { Loaders } from './loaders.js';
import type { CustomerAccessView } from './db/customer-views.js';

/** A request's context: the base, this subgraph's domain services and the request's loaders. */
export interface Context extends BaseSubgraphContext, CustomerServices {
  clock: Clock;
  loaders: Loaders;
  /** Signs the viewer's partner's access to a customer (`Customer.accessGrant`). */
  signAccess(customer: CustomerAccessView): string;
}
