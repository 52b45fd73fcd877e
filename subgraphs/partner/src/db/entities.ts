import { EntitySchema } from 'typeorm';
import type { CompanyRole, CustomerAccess, Program } from '@partner-graph/platform';

export interface PartnerRow {
  id: string;
  companyName: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string;
  email: string;
  website: string | null;
  mpnId: string;
  advisorCode: string;
  programs: Program[];
  createdAt: Date;
  updatedAt: Date;
}

export interface PartnerUserRow {
  id: string;
  partnerId: string;
  displayName: string;
  email: string;
  subject: string;
  companyRole: CompanyRole;
  customerAccess: CustomerAccess;
  active: boolean;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const timestamps = {
  createdAt: { type: 'timestamptz', name: 'created_at' },
  updatedAt: { type: 'timestamptz', name: 'updated_at' },
} as const;

export const Partner = new EntitySchema<PartnerRow>({
  name: 'Partner',
  tableName: 'partner',
  columns: {
    id: { type: 'uuid', primary: true },
    companyName: { type: 'text', name: 'company_name' },
    addressLine1: { type: 'text', name: 'address_line1' },
    addressLine2: { type: 'text', name: 'address_line2', nullable: true },
    city: { type: 'text' },
    region: { type: 'text', nullable: true },
    postalCode: { type: 'text', name: 'postal_code' },
    country: { type: 'char', length: 2 },
    phone: { type: 'text' },
    email: { type: 'text' },
    website: { type: 'text', nullable: true },
    mpnId: { type: 'text', name: 'mpn_id' },
    advisorCode: { type: 'text', name: 'advisor_code' },
    programs: { type: 'text', array: true },
    ...timestamps,
  },
});

export const PartnerUser = new EntitySchema<PartnerUserRow>({
  name: 'PartnerUser',
  tableName: 'partner_user',
  columns: {
    id: { type: 'uuid', primary: true },
    partnerId: { type: 'uuid', name: 'partner_id' },
    displayName: { type: 'text', name: 'display_name' },
    email: { type: 'text' },
    subject: { type: 'text' },
    companyRole: { type: 'text', name: 'company_role' },
    customerAccess: { type: 'text', name: 'customer_access' },
    active: { type: 'boolean' },
    passwordHash: { type: 'text', name: 'password_hash' },
    ...timestamps,
  },
});
