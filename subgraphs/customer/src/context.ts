import type { Clock, Logger, SignedContext, Viewer } from '@partner-graph/platform';
import type { CustomerSubgraphServices } from './services.js';
import type { Loaders } from './loaders.js';

export interface Context {
  signed: SignedContext;
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  clock: Clock;
  loaders: Loaders;
  services: CustomerSubgraphServices;
}
