export type { PartnerRow, PartnerUserRow } from './db/entities.js';
export type { AuditRecordView } from './domain/audit-trail.js';
export type { WebhookEndpointRow, WebhookAttemptRow } from './db/index.js';
