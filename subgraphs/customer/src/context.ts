import type { BaseSubgraphContext, Clock } from '@partner-graph/platform';
import type { CustomerSubgraphServices } from './services.js';
import type { Loaders } from './loaders.js';
import type { CustomerAccessView } from './db/customer-views.js';

export interface Context extends BaseSubgraphContext {
  clock: Clock;
  loaders: Loaders;
  services: CustomerSubgraphServices;
  /** Signs the viewer's partner's access to a customer (`Customer.accessGrant`). */
  signAccess(customer: CustomerAccessView): string;
}
