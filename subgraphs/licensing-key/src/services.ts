import { Flows, servicesPerRuntime } from '@partner-graph/platform';
import { ProductKeyStore, RedemptionStore } from './db/index.js';
import { ProductKeys } from './domain/product-keys.js';
import { Redemptions } from './domain/redemptions.js';

/** The licensing-key subgraph's stores, built once per runtime: its services and loaders share them. */
export interface LicensingKeyStores {
  productKeys: ProductKeyStore;
  redemptions: RedemptionStore;
}

export const licensingKeyStores = servicesPerRuntime((runtime): LicensingKeyStores => ({
  productKeys: new ProductKeyStore(runtime.db),
  redemptions: new RedemptionStore(runtime.db),
}));

/** The licensing-key subgraph's domain services (in every request's context, and the workers'). */
export interface LicensingKeyServices {
  productKeys: ProductKeys;
  redemptions: Redemptions;
  /** The subgraph's durable flows (redemptions and renewals), for its workers. */
  flows: Flows;
}

export const licensingKeyServices = servicesPerRuntime((runtime): LicensingKeyServices => {
  const stores = licensingKeyStores(runtime);
  const flows = new Flows(runtime.db, runtime.clock, runtime.logger);
  return {
    productKeys: new ProductKeys(runtime.db, runtime.clock, runtime.serviceClient, stores.productKeys),
    redemptions: new Redemptions(runtime.db, runtime.clock, runtime.serviceClient, flows, stores.redemptions, stores.productKeys),
    flows,
  };
});
