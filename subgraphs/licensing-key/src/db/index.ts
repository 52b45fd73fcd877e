import { ChangeNotifications1765100000000, EventOutboxEntity, FlowEntity, platformEntities } from '@partner-graph/platform';
import { ProductKey, Redemption } from './entities.js';
import { ProductKeys1764100000000 } from './migrations/1764100000000-ProductKeys.js';
import { EventOutbox1764300000000 } from './migrations/1764300000000-EventOutbox.js';
import { RedemptionFlows1764400000000 } from './migrations/1764400000000-RedemptionFlows.js';
import { AuditRetention1764600000000 } from './migrations/1764600000000-AuditRetention.js';

export const entities = [ProductKey, Redemption, ...platformEntities, EventOutboxEntity, FlowEntity];
export const migrations = [
  ProductKeys1764100000000,
  EventOutbox1764300000000,
  RedemptionFlows1764400000000,
  AuditRetention1764600000000,
  ChangeNotifications1765100000000,
];
export { ProductKey, Redemption };
export type { ProductKeyRow, ProductKeyState, RedemptionCustomer, RedemptionRow } from './entities.js';
export { ProductKeyStore } from './product-key-store.js';
export { RedemptionStore } from './redemption-store.js';
