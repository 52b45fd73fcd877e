import type { Logger, SignedContext, Viewer } from '@partner-graph/platform';
import type { AuditTrail } from './domain/audit-trail.js';
import type { PartnerDirectory } from './domain/partner-directory.js';
import type { Loaders } from './loaders.js';

export interface Context {
  signed: SignedContext;
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  loaders: Loaders;
  directory: PartnerDirectory;
  auditTrail: AuditTrail;
}
