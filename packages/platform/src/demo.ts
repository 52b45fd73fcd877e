/**
 * Fixed ids of the demo data, shared by every subgraph's seed so that references
 * across subgraphs line up. Each subgraph seeds only its own rows.
 */
const id = (group: number, n: number) => `6f1a0c3e-0000-4000-80${group.toString().padStart(2, '0')}-${n.toString().padStart(12, '0')}`;

export const DEMO = {
  partners: {
    contoso: id(0, 1),
    fabrikam: id(0, 2),
  },
  users: {
    contosoAdmin: { id: id(1, 1), email: 'admin@contoso-partner.example' },
    contosoAgent: { id: id(1, 2), email: 'agent@contoso-partner.example' },
    contosoHelpdesk: { id: id(1, 3), email: 'helpdesk@contoso-partner.example' },
    contosoSales: { id: id(1, 4), email: 'sales@contoso-partner.example' },
    fabrikamAdmin: { id: id(1, 5), email: 'admin@fabrikam-resellers.example' },
  },
  offers: {
    businessBasic: id(2, 1),
    businessStandard: id(2, 2),
    businessPremium: id(2, 3),
    e1: id(2, 4),
    e3: id(2, 5),
    e5: id(2, 6),
    exchangePlan1: id(2, 7),
    /** An add-on whose prerequisite is Exchange Online (Plan 1). */
    exchangeArchiving: id(2, 8),
    trialBusinessPremium: id(2, 9),
    trialE3: id(2, 10),
  },
  customers: {
    /** Contoso resells to it (relationship RESELLER), FR. */
    northwind: id(3, 1),
    /** Bought directly from Microsoft; Contoso has an ACTIVE delegated-admin relationship, FR. */
    adventureWorks: id(3, 2),
    /** Fabrikam resells to it, IT. */
    alpineSkiHouse: id(3, 3),
  },
  customerAdmins: {
    northwind: id(4, 1),
    adventureWorks: id(4, 2),
    alpineSkiHouse: id(4, 3),
  },
  subscriptions: {
    /** Northwind, Business Standard, 10 seats, channel RESELLER, auto-renew on. */
    northwindBusinessStandard: id(5, 1),
    /** Northwind, Office 365 E3, channel RESELLER, auto-renew off, ends within 7 days. */
    northwindE3Ending: id(5, 2),
    /** Adventure Works, Office 365 E3 bought directly: channel DIRECT, view-only for Contoso. */
    adventureWorksDirectE3: id(5, 3),
    /** Alpine Ski House, Business Basic, channel RESELLER by Fabrikam. */
    alpineBusinessBasic: id(5, 4),
  },
} as const;
