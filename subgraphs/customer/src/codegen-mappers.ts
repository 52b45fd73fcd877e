export type { CustomerUserRow, ServiceRequestRow, ServiceRequestNoteRow, DelegatedAdminRelationshipRow } from './db/entities.js';
export type { CustomerAccessView } from './db/customer-views.js';
