import { servicesPerRuntime } from '@partner-graph/platform';
import { DeliveryStore, PartnerStore, WebhookStore } from './db/index.js';
import { AuditTrail } from './domain/audit-trail.js';
import { PartnerDirectory } from './domain/partner-directory.js';
import { WebhookEndpoints } from './domain/webhooks.js';

/** The partner subgraph's stores, built once per runtime: its services, loaders, delivery workers and metrics share them. */
export interface PartnerStores {
  partners: PartnerStore;
  webhooks: WebhookStore;
  deliveries: DeliveryStore;
}

export const partnerStores = servicesPerRuntime((runtime): PartnerStores => ({
  partners: new PartnerStore(runtime.db),
  webhooks: new WebhookStore(runtime.db),
  deliveries: new DeliveryStore(runtime.db),
}));

/** The partner subgraph's domain services (in every request's context). */
export interface PartnerServices {
  directory: PartnerDirectory;
  auditTrail: AuditTrail;
  webhooks: WebhookEndpoints;
}

export const partnerServices = servicesPerRuntime((runtime): PartnerServices => {
  const stores = partnerStores(runtime);
  return {
    directory: new PartnerDirectory(runtime.db, runtime.clock, stores.partners),
    auditTrail: new AuditTrail(runtime.db, runtime.serviceClient),
    webhooks: new WebhookEndpoints(runtime.db, runtime.clock, stores.webhooks, runtime.events?.allowPrivateAddresses ?? false),
  };
});
