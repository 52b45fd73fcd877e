import type { DataSource } from 'typeorm';
import {
  DEMO,
  hashPassword,
  generateTemporaryPassword,
  type Clock,
  type CompanyRole,
  type CustomerAccess,
  type Program,
} from '@partner-graph/platform';
import { Partner, PartnerUser, type PartnerRow, type PartnerUserRow } from './entities.js';

/** The demo partners and users (README, demo users); does nothing when the directory has partners. */
export async function seedDemo(db: DataSource, clock: Clock): Promise<void> {
  if ((await db.getRepository(Partner).count()) > 0) return;
  const now = clock.now();
  const partners: PartnerRow[] = [
    {
      id: DEMO.partners.contoso,
      companyName: 'Contoso Cloud Partners',
      addressLine1: '12 rue de la Paix',
      addressLine2: null,
      city: 'Paris',
      region: null,
      postalCode: '75002',
      country: 'FR',
      phone: '+33 1 23 45 67 89',
      email: 'contact@contoso-partner.example',
      website: 'https://contoso-partner.example',
      mpnId: '4812345',
      advisorCode: 'CONTOSO-ADV',
      programs: ['RESELLER', 'SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'],
      createdAt: now,
      updatedAt: now,
    },
    {
      id: DEMO.partners.fabrikam,
      companyName: 'Fabrikam Resellers',
      addressLine1: 'Via Roma 10',
      addressLine2: null,
      city: 'Milano',
      region: 'MI',
      postalCode: '20121',
      country: 'IT',
      phone: '+39 02 1234 5678',
      email: 'info@fabrikam-resellers.example',
      website: 'https://fabrikam-resellers.example',
      mpnId: '4898765',
      advisorCode: 'FABRIKAM-ADV',
      programs: ['RESELLER'] satisfies Program[],
      createdAt: now,
      updatedAt: now,
    },
  ];
  const users: [keyof typeof DEMO.users, string, string, CompanyRole, CustomerAccess][] = [
    ['contosoAdmin', DEMO.partners.contoso, 'Camille Admin', 'GLOBAL_ADMIN', 'FULL'],
    ['contosoAgent', DEMO.partners.contoso, 'Alex Agent', 'NONE', 'FULL'],
    ['contosoHelpdesk', DEMO.partners.contoso, 'Hugo Helpdesk', 'NONE', 'LIMITED'],
    ['contosoSales', DEMO.partners.contoso, 'Sacha Sales', 'NONE', 'NONE'],
    ['fabrikamAdmin', DEMO.partners.fabrikam, 'Francesca Admin', 'GLOBAL_ADMIN', 'FULL'],
  ];
  const rows: PartnerUserRow[] = await Promise.all(
    users.map(async ([key, partnerId, displayName, companyRole, customerAccess]) => ({
      id: DEMO.users[key].id,
      partnerId,
      displayName,
      email: DEMO.users[key].email,
      // The demo identity provider's subject is the user's email, so dev tokens are readable.
      subject: DEMO.users[key].email,
      companyRole,
      customerAccess,
      active: true,
      // Demo users sign in with dev tokens only; the password is random and never shown.
      passwordHash: await hashPassword(generateTemporaryPassword()),
      createdAt: now,
      updatedAt: now,
    })),
  );
  await db.transaction(async (manager) => {
    await manager.insert(Partner, partners);
    await manager.insert(PartnerUser, rows);
  });
}
