import { servicesPerRuntime } from '@partner-graph/platform';
import { AuditTrail } from './domain/audit-trail.js';
import { PartnerDirectory } from './domain/partner-directory.js';
import { WebhookEndpoints } from './domain/webhooks.js';

/** The partner subgraph's domain services (in every request's context). */
export interface PartnerServices {
  directory: PartnerDirectory;
  auditTrail: AuditTrail;
  webhooks: WebhookEndpoints;
}

export const partnerServices = servicesPerRuntime((runtime): PartnerServices => ({
  directory: new PartnerDirectory(runtime.db, runtime.clock),
  auditTrail: new AuditTrail(runtime.db, runtime.serviceClient),
  webhooks: new WebhookEndpoints(runtime.db, runtime.clock, runtime.events?.allowPrivateAddresses ?? false),
}));
