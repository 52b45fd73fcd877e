import { EntitySchema } from 'typeorm';

export type ProvisioningState = 'PROVISIONING' | 'ACTIVE' | 'FAILED';
export type CustomerRelationship = 'RESELLER' | 'ADVISOR' | 'DELEGATED_ADMIN';
export type ServiceRequestSeverity = 'CRITICAL' | 'MODERATE' | 'MINIMAL';
export type ServiceRequestStatus = 'OPEN' | 'ATTENTION_NEEDED' | 'CLOSED';
export type DelegatedAdminAccess = 'FULL' | 'LIMITED';
export type DelegatedAdminStatus = 'PENDING' | 'ACTIVE' | 'TERMINATED' | 'EXPIRED';
export type SubscriptionChannel = 'RESELLER' | 'DIRECT' | 'ADVISOR' | 'PRODUCT_KEY';

export interface CustomerRow {
  id: string;
  companyName: string;
  defaultDomain: string;
  tenantId: string | null;
  country: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone: string | null;
  language: string;
  culture: string;
  provisioningState: ProvisioningState;
  provisioningError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A customer as one partner sees it: with that partner's relationship. */
export interface CustomerView extends CustomerRow {
  partnerId: string;
  relationship: CustomerRelationship;
}

export interface CustomerPartnerRow {
  customerId: string;
  partnerId: string;
  relationship: CustomerRelationship;
  nameKey: string;
  domainKey: string;
  createdAt: Date;
}

export interface CustomerUserRow {
  id: string;
  customerId: string;
  userName: string;
  firstName: string;
  lastName: string;
  isAdmin: boolean;
  passwordHash: string;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ServiceRequestRow {
  id: string;
  customerId: string;
  partnerId: string;
  title: string;
  description: string;
  severity: ServiceRequestSeverity;
  status: ServiceRequestStatus;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface ServiceRequestNoteRow {
  id: string;
  serviceRequestId: string;
  authorUserId: string | null;
  text: string;
  createdAt: Date;
}

export interface DelegatedAdminRelationshipRow {
  id: string;
  customerId: string;
  partnerId: string;
  access: DelegatedAdminAccess;
  status: DelegatedAdminStatus;
  codeHash: string | null;
  /** The customer's own code to end the relationship (set at acceptance). */
  terminationCodeHash: string | null;
  createdAt: Date;
  acceptedAt: Date | null;
  expiresAt: Date;
  terminatedAt: Date | null;
}

export interface PlannedSubscriptionRow {
  offerId: string;
  quantity: number;
  channel: SubscriptionChannel;
  partnerId: string | null;
  termMonths: number | null;
  isTrial: boolean;
}

const timestamps = {
  createdAt: { type: 'timestamptz', name: 'created_at' },
  updatedAt: { type: 'timestamptz', name: 'updated_at' },
} as const;

export const Customer = new EntitySchema<CustomerRow>({
  name: 'Customer',
  tableName: 'customer',
  columns: {
    id: { type: 'uuid', primary: true },
    companyName: { type: 'text', name: 'company_name' },
    defaultDomain: { type: 'text', name: 'default_domain' },
    tenantId: { type: 'uuid', name: 'tenant_id', nullable: true },
    country: { type: 'char', length: 2 },
    addressLine1: { type: 'text', name: 'address_line1', nullable: true },
    addressLine2: { type: 'text', name: 'address_line2', nullable: true },
    city: { type: 'text', nullable: true },
    region: { type: 'text', nullable: true },
    postalCode: { type: 'text', name: 'postal_code', nullable: true },
    contactFirstName: { type: 'text', name: 'contact_first_name' },
    contactLastName: { type: 'text', name: 'contact_last_name' },
    contactEmail: { type: 'text', name: 'contact_email' },
    contactPhone: { type: 'text', name: 'contact_phone', nullable: true },
    language: { type: 'text' },
    culture: { type: 'text' },
    provisioningState: { type: 'text', name: 'provisioning_state' },
    provisioningError: { type: 'text', name: 'provisioning_error', nullable: true },
    ...timestamps,
  },
});

export const CustomerPartner = new EntitySchema<CustomerPartnerRow>({
  name: 'CustomerPartner',
  tableName: 'customer_partner',
  columns: {
    customerId: { type: 'uuid', name: 'customer_id', primary: true },
    partnerId: { type: 'uuid', name: 'partner_id', primary: true },
    relationship: { type: 'text' },
    nameKey: { type: 'text', name: 'name_key' },
    domainKey: { type: 'text', name: 'domain_key' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

export const CustomerUser = new EntitySchema<CustomerUserRow>({
  name: 'CustomerUser',
  tableName: 'customer_user',
  columns: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid', name: 'customer_id' },
    userName: { type: 'text', name: 'user_name' },
    firstName: { type: 'text', name: 'first_name' },
    lastName: { type: 'text', name: 'last_name' },
    isAdmin: { type: 'boolean', name: 'is_admin' },
    passwordHash: { type: 'text', name: 'password_hash' },
    deletedAt: { type: 'timestamptz', name: 'deleted_at', nullable: true },
    ...timestamps,
  },
});

export const ServiceRequest = new EntitySchema<ServiceRequestRow>({
  name: 'ServiceRequest',
  tableName: 'service_request',
  columns: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid', name: 'customer_id' },
    partnerId: { type: 'uuid', name: 'partner_id' },
    title: { type: 'text' },
    description: { type: 'text' },
    severity: { type: 'text' },
    status: { type: 'text' },
    ...timestamps,
    closedAt: { type: 'timestamptz', name: 'closed_at', nullable: true },
  },
});

export const ServiceRequestNote = new EntitySchema<ServiceRequestNoteRow>({
  name: 'ServiceRequestNote',
  tableName: 'service_request_note',
  columns: {
    id: { type: 'uuid', primary: true },
    serviceRequestId: { type: 'uuid', name: 'service_request_id' },
    authorUserId: { type: 'uuid', name: 'author_user_id', nullable: true },
    text: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

export const DelegatedAdminRelationship = new EntitySchema<DelegatedAdminRelationshipRow>({
  name: 'DelegatedAdminRelationship',
  tableName: 'delegated_admin_relationship',
  columns: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid', name: 'customer_id' },
    partnerId: { type: 'uuid', name: 'partner_id' },
    access: { type: 'text' },
    status: { type: 'text' },
    codeHash: { type: 'text', name: 'code_hash', nullable: true },
    terminationCodeHash: { type: 'text', name: 'termination_code_hash', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    acceptedAt: { type: 'timestamptz', name: 'accepted_at', nullable: true },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
    terminatedAt: { type: 'timestamptz', name: 'terminated_at', nullable: true },
  },
});
