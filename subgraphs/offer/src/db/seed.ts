import type { DataSource } from 'typeorm';
import { DEMO, type Clock } from '@partner-graph/platform';
import { Offer, OfferAuthorisation, type OfferAuthorisationRow, type OfferRow } from './entities.js';

/** Where the demo catalogue is sold; E5 is not sold in Italy, archiving not in Switzerland. */
const EUROPE_AND_US = ['AT', 'BE', 'CH', 'DE', 'ES', 'FR', 'GB', 'IE', 'IT', 'LU', 'NL', 'PT', 'US'];
const except = (...countries: string[]) => EUROPE_AND_US.filter((country) => !countries.includes(country));

type DemoOffer = Omit<
  OfferRow,
  | 'createdAt'
  | 'updatedAt'
  | 'trialDays'
  | 'isTrial'
  | 'isAddOn'
  | 'prerequisiteOfferIds'
  | 'upgradeTargetIds'
  | 'convertsToId'
  | 'currency'
  | 'translatedDescriptions'
> &
  Partial<Pick<OfferRow, 'trialDays' | 'isTrial' | 'isAddOn' | 'prerequisiteOfferIds'>>;

/**
 * The families of the catalogue, lowest first: a subscription may move up to any later offer of
 * its family mid-term (Business Basic → Standard → Premium, E1 → E3 → E5), and a trial converts to
 * its paid offer. A migration gives databases seeded before these existed the same links.
 */
export const DEMO_FAMILIES: string[][] = [
  [DEMO.offers.businessBasic, DEMO.offers.businessStandard, DEMO.offers.businessPremium],
  [DEMO.offers.e1, DEMO.offers.e3, DEMO.offers.e5],
];
export const DEMO_CONVERSIONS: [trial: string, paid: string][] = [
  [DEMO.offers.trialBusinessPremium, DEMO.offers.businessPremium],
  [DEMO.offers.trialE3, DEMO.offers.e3],
];
/** The demo catalogue's descriptions in French, for customers who read their offer in French. */
export const DEMO_FRENCH_DESCRIPTIONS: Record<string, string> = {
  [DEMO.offers.businessBasic]: 'Applications Office web et mobiles, messagerie Exchange, 1 To de stockage OneDrive et Teams.',
  [DEMO.offers.businessStandard]: 'Tout Business Basic, plus les applications Office de bureau.',
  [DEMO.offers.businessPremium]: 'Tout Business Standard, plus la sécurité avancée et la gestion des appareils.',
  [DEMO.offers.e1]: 'Applications Office web, messagerie, stockage de fichiers et Teams pour l’entreprise.',
  [DEMO.offers.e3]: 'Applications Office de bureau, boîtes aux lettres de 100 Go, conformité et protection des informations.',
  [DEMO.offers.e5]: 'Tout E3, plus Teams Phone, Power BI Pro et la sécurité avancée.',
  [DEMO.offers.exchangePlan1]: 'Messagerie professionnelle avec une boîte aux lettres de 50 Go par utilisateur.',
  [DEMO.offers.exchangeArchiving]: 'Archivage illimité des boîtes aux lettres Exchange Online (module complémentaire).',
  [DEMO.offers.trialBusinessPremium]: 'Essai gratuit de 30 jours de Microsoft 365 Business Premium pour 25 utilisateurs.',
  [DEMO.offers.trialE3]: 'Essai gratuit de 30 jours d’Office 365 E3 pour 25 utilisateurs.',
};

const upgradeTargetsOf = (offerId: string): string[] => {
  const family = DEMO_FAMILIES.find((members) => members.includes(offerId));
  return family ? family.slice(family.indexOf(offerId) + 1) : [];
};

const business = { category: 'MICROSOFT_365_BUSINESS', minQuantity: 1, maxQuantity: 300, billingCycle: 'MONTHLY', term: 'P1M' } as const;
const enterprise = { category: 'OFFICE_365_ENTERPRISE', minQuantity: 1, maxQuantity: 10_000, billingCycle: 'ANNUAL', term: 'P1Y' } as const;
const exchange = { category: 'EXCHANGE_ONLINE', minQuantity: 1, maxQuantity: 10_000, billingCycle: 'MONTHLY', term: 'P1M' } as const;
const trial = {
  minQuantity: 25,
  maxQuantity: 25,
  billingCycle: 'MONTHLY',
  term: 'P1M',
  isTrial: true,
  trialDays: 30,
  unitPrice: '0.00',
} as const;

const DEMO_OFFERS: DemoOffer[] = [
  {
    id: DEMO.offers.businessBasic,
    name: 'Microsoft 365 Business Basic',
    sku: 'O365_BUSINESS_ESSENTIALS',
    ...business,
    description: 'Web and mobile Office apps, Exchange email, 1 TB OneDrive storage and Teams.',
    countries: EUROPE_AND_US,
    unitPrice: '5.60',
  },
  {
    id: DEMO.offers.businessStandard,
    name: 'Microsoft 365 Business Standard',
    sku: 'O365_BUSINESS_PREMIUM',
    ...business,
    description: 'Everything in Business Basic plus desktop Office apps.',
    countries: EUROPE_AND_US,
    unitPrice: '11.70',
  },
  {
    id: DEMO.offers.businessPremium,
    name: 'Microsoft 365 Business Premium',
    sku: 'SPB',
    ...business,
    description: 'Everything in Business Standard plus advanced security and device management.',
    countries: EUROPE_AND_US,
    unitPrice: '20.60',
  },
  {
    id: DEMO.offers.e1,
    name: 'Office 365 E1',
    sku: 'STANDARDPACK',
    ...enterprise,
    description: 'Web-based Office apps, email, file storage and Teams for the enterprise.',
    countries: EUROPE_AND_US,
    unitPrice: '9.40',
  },
  {
    id: DEMO.offers.e3,
    name: 'Office 365 E3',
    sku: 'ENTERPRISEPACK',
    ...enterprise,
    description: 'Desktop Office apps, 100 GB mailboxes, compliance and information protection.',
    countries: EUROPE_AND_US,
    unitPrice: '22.50',
  },
  {
    id: DEMO.offers.e5,
    name: 'Office 365 E5',
    sku: 'ENTERPRISEPREMIUM',
    ...enterprise,
    description: 'Everything in E3 plus Teams Phone, Power BI Pro and advanced security.',
    countries: except('IT'),
    unitPrice: '36.70',
  },
  {
    id: DEMO.offers.exchangePlan1,
    name: 'Exchange Online (Plan 1)',
    sku: 'EXCHANGESTANDARD',
    ...exchange,
    description: 'Business email with a 50 GB mailbox per user.',
    countries: EUROPE_AND_US,
    unitPrice: '3.70',
  },
  {
    id: DEMO.offers.exchangeArchiving,
    name: 'Exchange Online Archiving',
    sku: 'EXCHANGEARCHIVE_ADDON',
    ...exchange,
    description: 'Unlimited archiving for Exchange Online mailboxes (add-on).',
    countries: except('CH'),
    unitPrice: '2.80',
    isAddOn: true,
    prerequisiteOfferIds: [DEMO.offers.exchangePlan1],
  },
  {
    id: DEMO.offers.trialBusinessPremium,
    name: 'Microsoft 365 Business Premium Trial',
    sku: 'SPB_TRIAL',
    category: 'MICROSOFT_365_BUSINESS',
    ...trial,
    description: '30-day free trial of Microsoft 365 Business Premium for 25 users.',
    countries: EUROPE_AND_US,
  },
  {
    id: DEMO.offers.trialE3,
    name: 'Office 365 E3 Trial',
    sku: 'ENTERPRISEPACK_TRIAL',
    category: 'OFFICE_365_ENTERPRISE',
    ...trial,
    description: '30-day free trial of Office 365 E3 for 25 users.',
    countries: EUROPE_AND_US,
  },
];

/** The demo catalogue and who may sell it; does nothing when the catalogue has offers. */
export async function seedDemo(db: DataSource, clock: Clock): Promise<void> {
  if ((await db.getRepository(Offer).count()) > 0) return;
  const now = clock.now();
  const offers: OfferRow[] = DEMO_OFFERS.map((offer) => ({
    isTrial: false,
    trialDays: null,
    isAddOn: false,
    prerequisiteOfferIds: [],
    currency: 'EUR',
    ...offer,
    translatedDescriptions: Object.fromEntries(
      Object.entries({ fr: DEMO_FRENCH_DESCRIPTIONS[offer.id] }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    upgradeTargetIds: upgradeTargetsOf(offer.id),
    convertsToId: DEMO_CONVERSIONS.find(([trial]) => trial === offer.id)?.[1] ?? null,
    createdAt: now,
    updatedAt: now,
  }));
  const authorisation = (
    partnerId: string,
    grant: { category: OfferRow['category'] } | { offerId: string },
  ): Omit<OfferAuthorisationRow, 'id'> => ({
    partnerId,
    offerId: 'offerId' in grant ? grant.offerId : null,
    category: 'category' in grant ? grant.category : null,
    createdAt: now,
  });
  await db.transaction(async (manager) => {
    await manager.insert(Offer, offers);
    await manager.insert(OfferAuthorisation, [
      // Contoso sells whole categories, and the Exchange offers one by one.
      authorisation(DEMO.partners.contoso, { category: 'MICROSOFT_365_BUSINESS' }),
      authorisation(DEMO.partners.contoso, { category: 'OFFICE_365_ENTERPRISE' }),
      authorisation(DEMO.partners.contoso, { offerId: DEMO.offers.exchangePlan1 }),
      authorisation(DEMO.partners.contoso, { offerId: DEMO.offers.exchangeArchiving }),
      // Fabrikam sells the Business offers only (the Business Premium trial included).
      authorisation(DEMO.partners.fabrikam, { category: 'MICROSOFT_365_BUSINESS' }),
    ]);
  });
}
