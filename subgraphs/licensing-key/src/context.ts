import type { Logger, SignedContext, Viewer } from '@partner-graph/platform';
import type { ProductKeys } from './domain/product-keys.js';
import type { Redemptions } from './domain/redemptions.js';
import type { Loaders } from './loaders.js';

export interface Context {
  signed: SignedContext;
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  loaders: Loaders;
  productKeys: ProductKeys;
  redemptions: Redemptions;
}
