import { ChangeNotifications1765100000000, platformEntities } from '@partner-graph/platform';
import { Partner, PartnerUser } from './entities.js';
import { PartnerDirectory1763800000000 } from './migrations/1763800000000-PartnerDirectory.js';
import { PartnerUserEmailPerPartner1764200000000 } from './migrations/1764200000000-PartnerUserEmailPerPartner.js';
import { Webhooks1764300000000 } from './migrations/1764300000000-Webhooks.js';
import { WebhookRetention1764400000000 } from './migrations/1764400000000-WebhookRetention.js';
import { AuditRetention1764600000000 } from './migrations/1764600000000-AuditRetention.js';

export const entities = [Partner, PartnerUser, ...platformEntities];
export const migrations = [
  PartnerDirectory1763800000000,
  PartnerUserEmailPerPartner1764200000000,
  Webhooks1764300000000,
  WebhookRetention1764400000000,
  AuditRetention1764600000000,
  ChangeNotifications1765100000000,
];
export { Partner, PartnerUser };
export type { PartnerRow, PartnerUserRow } from './entities.js';
export { WebhookStore } from './webhook-store.js';
export type { AttemptPosition, WebhookAttemptRow, WebhookEndpointRow, WebhookEndpointStatus } from './webhook-store.js';
export { PartnerStore } from './partner-store.js';
export { DeliveryStore } from './delivery-store.js';
