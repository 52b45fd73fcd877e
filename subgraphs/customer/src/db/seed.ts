import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { addDays, addMonths, DEMO, generateTemporaryPassword, hashPassword, type Clock } from '@partner-graph/platform';
import {
  Customer,
  CustomerPartner,
  CustomerUser,
  DelegatedAdminRelationship,
  ServiceRequest,
  ServiceRequestNote,
  type CustomerRelationship,
  type CustomerRow,
  type CustomerUserRow,
} from './entities.js';

interface DemoCustomer {
  id: string;
  adminId: string;
  partnerId: string;
  relationship: CustomerRelationship;
  row: Omit<CustomerRow, 'id' | 'provisioningState' | 'provisioningError' | 'createdAt' | 'updatedAt'>;
  users: [string, string][];
}

const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    id: DEMO.customers.northwind,
    adminId: DEMO.customerAdmins.northwind,
    partnerId: DEMO.partners.contoso,
    relationship: 'RESELLER',
    row: {
      companyName: 'Northwind Traders',
      defaultDomain: 'northwindtraders.onmicrosoft.com',
      tenantId: '6f1a0c3e-0000-4000-8006-000000000001',
      country: 'FR',
      addressLine1: '8 avenue des Champs-Élysées',
      addressLine2: null,
      city: 'Paris',
      region: null,
      postalCode: '75008',
      contactFirstName: 'Nadia',
      contactLastName: 'North',
      contactEmail: 'nadia.north@northwind.example',
      contactPhone: '+33 1 40 00 00 01',
      language: 'fr',
      culture: 'fr-FR',
    },
    users: [
      ['Louis', 'Martin'],
      ['Chloé', 'Bernard'],
    ],
  },
  {
    id: DEMO.customers.adventureWorks,
    adminId: DEMO.customerAdmins.adventureWorks,
    partnerId: DEMO.partners.contoso,
    relationship: 'DELEGATED_ADMIN',
    row: {
      companyName: 'Adventure Works',
      defaultDomain: 'adventureworks.onmicrosoft.com',
      tenantId: '6f1a0c3e-0000-4000-8006-000000000002',
      country: 'FR',
      addressLine1: '15 quai Perrache',
      addressLine2: null,
      city: 'Lyon',
      region: null,
      postalCode: '69002',
      contactFirstName: 'Arthur',
      contactLastName: 'Works',
      contactEmail: 'arthur.works@adventure-works.example',
      contactPhone: '+33 4 72 00 00 02',
      language: 'fr',
      culture: 'fr-FR',
    },
    users: [
      ['Emma', 'Petit'],
      ['Hugo', 'Durand'],
    ],
  },
  {
    id: DEMO.customers.alpineSkiHouse,
    adminId: DEMO.customerAdmins.alpineSkiHouse,
    partnerId: DEMO.partners.fabrikam,
    relationship: 'RESELLER',
    row: {
      companyName: 'Alpine Ski House',
      defaultDomain: 'alpineskihouse.onmicrosoft.com',
      tenantId: '6f1a0c3e-0000-4000-8006-000000000003',
      country: 'IT',
      addressLine1: 'Via Cristallo 3',
      addressLine2: null,
      city: "Cortina d'Ampezzo",
      region: 'BL',
      postalCode: '32043',
      contactFirstName: 'Alessia',
      contactLastName: 'Neve',
      contactEmail: 'alessia.neve@alpineskihouse.example',
      contactPhone: '+39 0436 000003',
      language: 'it',
      culture: 'it-IT',
    },
    users: [
      ['Marco', 'Rossi'],
      ['Giulia', 'Bianchi'],
    ],
  },
];

const ascii = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** The demo customers with their users, service requests and delegated administration; does nothing when customers exist. */
export async function seedDemo(db: DataSource, clock: Clock): Promise<void> {
  if ((await db.getRepository(Customer).count()) > 0) return;
  const now = clock.now();
  const created = addDays(now, -400);
  // Demo customer users sign in nowhere here; their passwords are random and never shown.
  const passwordHash = await hashPassword(generateTemporaryPassword());
  await db.transaction(async (manager) => {
    for (const demo of DEMO_CUSTOMERS) {
      await manager.insert(Customer, {
        ...demo.row,
        id: demo.id,
        provisioningState: 'ACTIVE',
        provisioningError: null,
        createdAt: created,
        updatedAt: created,
      });
      await manager.insert(CustomerPartner, {
        customerId: demo.id,
        partnerId: demo.partnerId,
        relationship: demo.relationship,
        nameKey: demo.row.companyName.toLowerCase(),
        domainKey: demo.row.defaultDomain,
        createdAt: created,
      });
      const domain = demo.row.defaultDomain;
      const users: CustomerUserRow[] = [
        {
          id: demo.adminId,
          customerId: demo.id,
          userName: `admin@${domain}`,
          firstName: demo.row.contactFirstName,
          lastName: demo.row.contactLastName,
          isAdmin: true,
          passwordHash,
          deletedAt: null,
          createdAt: created,
          updatedAt: created,
        },
        ...demo.users.map(([firstName, lastName]) => ({
          id: randomUUID(),
          customerId: demo.id,
          userName: `${ascii(firstName)}.${ascii(lastName)}@${domain}`,
          firstName,
          lastName,
          isAdmin: false,
          passwordHash,
          deletedAt: null,
          createdAt: created,
          updatedAt: created,
        })),
      ];
      await manager.insert(CustomerUser, users);
    }
    // Adventure Works bought directly; Contoso administers it through an ACTIVE delegated-admin relationship.
    const accepted = addDays(now, -30);
    await manager.insert(DelegatedAdminRelationship, {
      id: randomUUID(),
      customerId: DEMO.customers.adventureWorks,
      partnerId: DEMO.partners.contoso,
      access: 'FULL',
      status: 'ACTIVE',
      codeHash: null,
      terminationCodeHash: null,
      createdAt: addDays(accepted, -2),
      acceptedAt: accepted,
      expiresAt: addMonths(accepted, 24),
      terminatedAt: null,
    });
    const requests = [
      {
        customerId: DEMO.customers.northwind,
        partnerId: DEMO.partners.contoso,
        title: 'Mailbox not receiving external mail',
        description: 'Since this morning no external mail arrives in the sales mailbox.',
        severity: 'CRITICAL',
        status: 'OPEN',
      },
      {
        customerId: DEMO.customers.northwind,
        partnerId: DEMO.partners.contoso,
        title: 'Licence assignment question',
        description: 'How do we move a licence between two users?',
        severity: 'MINIMAL',
        status: 'ATTENTION_NEEDED',
      },
      {
        customerId: DEMO.customers.alpineSkiHouse,
        partnerId: DEMO.partners.fabrikam,
        title: 'Teams calling setup',
        description: 'The customer wants to enable Teams calling for the front desk.',
        severity: 'MODERATE',
        status: 'OPEN',
      },
    ] as const;
    for (const [index, request] of requests.entries()) {
      const at = addDays(now, -10 + index);
      const id = randomUUID();
      await manager.insert(ServiceRequest, { ...request, id, createdAt: at, updatedAt: at, closedAt: null });
      await manager.insert(ServiceRequestNote, {
        id: randomUUID(),
        serviceRequestId: id,
        authorUserId: null,
        text: 'Request received by support.',
        createdAt: at,
      });
    }
  });
}

const WORDS = [
  'alpha',
  'blue',
  'cedar',
  'delta',
  'ember',
  'falcon',
  'granite',
  'harbor',
  'iris',
  'jade',
  'kestrel',
  'lumen',
  'maple',
  'nova',
  'orchid',
  'pine',
  'quartz',
  'river',
  'summit',
  'tidal',
  'umber',
  'vertex',
  'willow',
  'xenon',
  'yarrow',
  'zephyr',
];

/**
 * Loads `count` ACTIVE customers of one partner (with their admin users) in a few set-based
 * statements — `npm run seed -- --customers 100000` — for scale tests and `npm run bench`.
 * Names are `<Word> Trading <n>`; domains `<word><n>x<run>.onmicrosoft.com`, unique per run.
 */
export async function seedBulkCustomers(
  db: DataSource,
  clock: Clock,
  options: { partnerId: string; count: number; relationship?: CustomerRelationship },
): Promise<{ inserted: number; run: string }> {
  const run = randomBytes(3).toString('hex');
  const now = clock.now();
  // Bulk customers' admins share one random, never-shown password hash.
  const passwordHash = await hashPassword(generateTemporaryPassword());
  const batch = 50_000;
  await db.transaction(async (manager) => {
    for (let start = 1; start <= options.count; start += batch) {
      const end = Math.min(options.count, start + batch - 1);
      const params = [start, end, WORDS, run, now, options.partnerId, options.relationship ?? 'RESELLER', passwordHash];
      await manager.query(
        `WITH numbered AS (
           SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS admin_id,
                  ($3::text[])[1 + (hashtext(n::text) & 2147483647) % array_length($3::text[], 1)] AS word
           FROM generate_series($1::int, $2::int) AS n
         ), customers AS (
           INSERT INTO customer (id, company_name, default_domain, tenant_id, country, address_line1, city, postal_code,
             contact_first_name, contact_last_name, contact_email, contact_phone, language, culture, provisioning_state, created_at, updated_at)
           SELECT id, initcap(word) || ' Trading ' || n, word || n || 'x' || $4 || '.onmicrosoft.com', gen_random_uuid(), 'FR',
             n || ' rue du Commerce', 'Paris', '75015', 'Contact', initcap(word), 'contact' || n || '@' || word || n || 'x' || $4 || '.example',
             '+33 1 00 00 00 00', 'fr', 'fr-FR', 'ACTIVE', $5::timestamptz, $5::timestamptz
           FROM numbered
           RETURNING id, company_name, default_domain
         ), links AS (
           INSERT INTO customer_partner (customer_id, partner_id, relationship, name_key, domain_key, created_at)
           SELECT id, $6::uuid, $7, lower(company_name), lower(default_domain), $5::timestamptz FROM customers
         )
         INSERT INTO customer_user (id, customer_id, user_name, first_name, last_name, is_admin, password_hash, created_at, updated_at)
         SELECT n.admin_id, n.id, 'admin@' || n.word || n.n || 'x' || $4 || '.onmicrosoft.com', 'Contact', initcap(n.word), true, $8, $5::timestamptz, $5::timestamptz
         FROM numbered n`,
        params,
      );
    }
  });
  await db.query('ANALYZE customer');
  await db.query('ANALYZE customer_partner');
  await db.query('ANALYZE customer_user');
  return { inserted: options.count, run };
}
