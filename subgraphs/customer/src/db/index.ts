import { ChangeNotifications1765100000000, EventOutboxEntity, FlowEntity, platformEntities } from '@partner-graph/platform';
import { Customer, CustomerPartner, CustomerUser, DelegatedAdminRelationship, ServiceRequest, ServiceRequestNote } from './entities.js';
import { CustomerAccounts1763900000000 } from './migrations/1763900000000-CustomerAccounts.js';
import { CoveringDomainSearch1763900100000 } from './migrations/1763900100000-CoveringDomainSearch.js';
import { CustomerSideTermination1764200000000 } from './migrations/1764200000000-CustomerSideTermination.js';
import { EventOutbox1764300000000 } from './migrations/1764300000000-EventOutbox.js';
import { ProvisioningFlows1764400000000 } from './migrations/1764400000000-ProvisioningFlows.js';
import { SignInFailures1764500000000 } from './migrations/1764500000000-SignInFailures.js';
import { AuditRetention1764600000000 } from './migrations/1764600000000-AuditRetention.js';

export const entities = [
  Customer,
  CustomerPartner,
  CustomerUser,
  ServiceRequest,
  ServiceRequestNote,
  DelegatedAdminRelationship,
  ...platformEntities,
  EventOutboxEntity,
  FlowEntity,
];
export const migrations = [
  CustomerAccounts1763900000000,
  CoveringDomainSearch1763900100000,
  CustomerSideTermination1764200000000,
  EventOutbox1764300000000,
  ProvisioningFlows1764400000000,
  SignInFailures1764500000000,
  AuditRetention1764600000000,
  ChangeNotifications1765100000000,
];
export * from './entities.js';
export { CustomerStore } from './customer-store.js';
export { CustomerUserStore } from './customer-user-store.js';
export { DelegatedAdminStore } from './delegated-admin-store.js';
export { ServiceRequestStore } from './service-request-store.js';
export { SignInFailureStore } from './sign-in-failure-store.js';
