import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { ProductKeys } from './domain/product-keys.js';
import type { Redemptions } from './domain/redemptions.js';
import type { Loaders } from './loaders.js';

export interface Context extends BaseSubgraphContext {
  loaders: Loaders;
  productKeys: ProductKeys;
  redemptions: Redemptions;
}
