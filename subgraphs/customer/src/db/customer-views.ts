import type { EntityManager } from 'typeorm';
import type { CustomerView } from './entities.js';

/** A customer as one partner sees it: its row, that partner's relationship, and whether it has admin rights now. */
export interface CustomerAccessView extends CustomerView {
  nameKey: string;
  hasAdminRights: boolean;
  /** How far the partner's admin rights go: FULL (reseller, FULL relationship), LIMITED, or null without rights. */
  adminAccess: 'FULL' | 'LIMITED' | null;
}

const COLUMNS = `
  c.id, c.company_name, c.default_domain, c.tenant_id, c.country, c.address_line1, c.address_line2, c.city, c.region,
  c.postal_code, c.contact_first_name, c.contact_last_name, c.contact_email, c.contact_phone, c.language, c.culture,
  c.provisioning_state, c.provisioning_error, c.created_at, c.updated_at,
  cp.partner_id, cp.relationship, cp.name_key,
  CASE WHEN cp.relationship = 'RESELLER' THEN 'FULL' ELSE (
    -- the widest ACTIVE relationship: 'FULL' sorts before 'LIMITED'
    SELECT min(d.access) FROM delegated_admin_relationship d
    WHERE d.customer_id = c.id AND d.partner_id = cp.partner_id AND d.status = 'ACTIVE' AND d.expires_at > $2
  ) END AS admin_access`;

type Raw = Record<string, unknown>;

function toView(raw: Raw): CustomerAccessView {
  return {
    id: raw.id as string,
    companyName: raw.company_name as string,
    defaultDomain: raw.default_domain as string,
    tenantId: (raw.tenant_id as string | null) ?? null,
    country: (raw.country as string).trim(),
    addressLine1: raw.address_line1 as string | null,
    addressLine2: raw.address_line2 as string | null,
    city: raw.city as string | null,
    region: raw.region as string | null,
    postalCode: raw.postal_code as string | null,
    contactFirstName: raw.contact_first_name as string,
    contactLastName: raw.contact_last_name as string,
    contactEmail: raw.contact_email as string,
    contactPhone: raw.contact_phone as string | null,
    language: raw.language as string,
    culture: raw.culture as string,
    provisioningState: raw.provisioning_state as CustomerView['provisioningState'],
    provisioningError: raw.provisioning_error as string | null,
    createdAt: raw.created_at as Date,
    updatedAt: raw.updated_at as Date,
    partnerId: raw.partner_id as string,
    relationship: raw.relationship as CustomerView['relationship'],
    nameKey: raw.name_key as string,
    hasAdminRights: raw.admin_access !== null,
    adminAccess: (raw.admin_access as 'FULL' | 'LIMITED' | null) ?? null,
  };
}

/** The customers among `ids` related to `partnerId` (one statement). `ids` must be UUIDs. */
export async function customersOfPartner(
  manager: EntityManager,
  partnerId: string,
  ids: string[],
  now: Date,
  lock = false,
): Promise<CustomerAccessView[]> {
  if (ids.length === 0) return [];
  const rows: Raw[] = await manager.query(
    `SELECT ${COLUMNS} FROM customer_partner cp JOIN customer c ON c.id = cp.customer_id
     WHERE cp.partner_id = $1 AND cp.customer_id = ANY($3::uuid[])${lock ? ' FOR UPDATE OF c' : ''}`,
    [partnerId, now, ids],
  );
  return rows.map(toView);
}

/**
 * One page of a partner's customers in (lowercase name, id) order after the cursor, optionally
 * filtered by a lowercase prefix of the name or of the domain. The name branch walks its index in
 * order and stops at the page size; the domain branch reads its matches from the domain index and
 * keeps the first page of them by name.
 */
export async function customerPage(
  manager: EntityManager,
  options: { partnerId: string; now: Date; limit: number; after: [string, string] | null; prefixPattern: string | null },
): Promise<CustomerAccessView[]> {
  const params: unknown[] = [options.partnerId, options.now, options.limit];
  const cursor = options.after ? (params.push(options.after[0], options.after[1]), `AND (k.name_key, k.customer_id) > ($4, $5::uuid)`) : '';
  let source: string;
  if (options.prefixPattern === null) {
    source = `SELECT k.customer_id, k.name_key FROM customer_partner k WHERE k.partner_id = $1 ${cursor} ORDER BY k.name_key, k.customer_id LIMIT $3`;
  } else {
    params.push(options.prefixPattern);
    const p = `$${params.length}`;
    source = `(SELECT k.customer_id, k.name_key FROM customer_partner k WHERE k.partner_id = $1 AND k.name_key LIKE ${p} ${cursor} ORDER BY k.name_key, k.customer_id LIMIT $3)
      UNION
      (SELECT d.customer_id, d.name_key FROM (
         -- OFFSET 0 keeps the planner on the domain index (index-only: it carries the name): left to
         -- itself it walks the name index hoping to meet matching domains early, and may scan every row.
         SELECT k.customer_id, k.name_key FROM customer_partner k WHERE k.partner_id = $1 AND k.domain_key LIKE ${p} ${cursor} OFFSET 0
       ) d ORDER BY d.name_key, d.customer_id LIMIT $3)`;
  }
  const rows: Raw[] = await manager.query(
    `SELECT ${COLUMNS} FROM (${source}) page
     JOIN customer_partner cp ON cp.customer_id = page.customer_id AND cp.partner_id = $1
     JOIN customer c ON c.id = page.customer_id
     ORDER BY cp.name_key, cp.customer_id LIMIT $3`,
    params,
  );
  return rows.map(toView);
}
