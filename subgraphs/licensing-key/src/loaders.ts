import { loaderById } from '@partner-graph/platform';
import type { ProductKeyRow } from './db/index.js';
import type { LicensingKeyStores } from './services.js';

export function createLoaders(stores: LicensingKeyStores) {
  return {
    productKey: loaderById<ProductKeyRow>(async (ids) => [...(await stores.productKeys.byIds(ids)).values()]),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
