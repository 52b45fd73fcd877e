import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { Loaders } from './loaders.js';
import type { OfferServices } from './services.js';

/** A request's context: the base, this subgraph's domain services and the request's loaders. */
export interface Context extends BaseSubgraphContext, OfferServices {
  loaders: Loaders;
}
