import { ChangeNotifications1765100000000, EventOutboxEntity, platformEntities } from '@partner-graph/platform';
import { LicenceAssignment, ReleasedLicence, RenewalNotice, Subscription, SubscriptionHistory } from './entities.js';
import { CustomerSubscriptions1763900000000 } from './migrations/1763900000000-CustomerSubscriptions.js';
import { ReplacedAndReleasedLicences1764200000000 } from './migrations/1764200000000-ReplacedAndReleasedLicences.js';
import { EventOutbox1764300000000 } from './migrations/1764300000000-EventOutbox.js';
import { WeeklyWork1764600000000 } from './migrations/1764600000000-WeeklyWork.js';
import { AuditRetention1764600000000 } from './migrations/1764600000000-AuditRetention.js';

export const entities = [
  Subscription,
  LicenceAssignment,
  ReleasedLicence,
  SubscriptionHistory,
  RenewalNotice,
  ...platformEntities,
  EventOutboxEntity,
];
export const migrations = [
  CustomerSubscriptions1763900000000,
  ReplacedAndReleasedLicences1764200000000,
  EventOutbox1764300000000,
  WeeklyWork1764600000000,
  AuditRetention1764600000000,
  ChangeNotifications1765100000000,
];
export { LicenceAssignment, ReleasedLicence, RenewalNotice, Subscription, SubscriptionHistory };
export * from './entities.js';
export { SubscriptionStore } from './subscription-store.js';
