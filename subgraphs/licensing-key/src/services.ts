import { Flows, servicesPerRuntime } from '@partner-graph/platform';
import { ProductKeys } from './domain/product-keys.js';
import { Redemptions } from './domain/redemptions.js';

/** The licensing-key subgraph's domain services (in every request's context, and the workers'). */
export interface LicensingKeyServices {
  productKeys: ProductKeys;
  redemptions: Redemptions;
  /** The subgraph's durable flows (redemptions and renewals), for its workers. */
  flows: Flows;
}

export const licensingKeyServices = servicesPerRuntime((runtime): LicensingKeyServices => {
  const flows = new Flows(runtime.db, runtime.clock, runtime.logger);
  return {
    productKeys: new ProductKeys(runtime.db, runtime.clock, runtime.serviceClient),
    redemptions: new Redemptions(runtime.db, runtime.clock, runtime.serviceClient, flows),
    flows,
  };
});
