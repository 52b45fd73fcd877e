import type { BaseSubgraphContext, Clock } from '@partner-graph/platform';
import type { CustomerSubgraphServices } from './services.js';
import type { Loaders } from './loaders.js';

export interface Context extends BaseSubgraphContext {
  clock: Clock;
  loaders: Loaders;
  services: CustomerSubgraphServices;
}
