import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { AuditTrail } from './domain/audit-trail.js';
import type { PartnerDirectory } from './domain/partner-directory.js';
import type { Loaders } from './loaders.js';
import type { WebhookEndpoints } from './domain/webhooks.js';

export interface Context extends BaseSubgraphContext {
  loaders: Loaders;
  directory: PartnerDirectory;
  auditTrail: AuditTrail;
  webhooks: WebhookEndpoints;
}
