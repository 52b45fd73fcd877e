import { ChangeNotifications1765100000000, EventOutboxEntity, FlowEntity, platformEntities } from '@partner-graph/platform';
import { Offer, OfferAcceptance, OfferAuthorisation, PurchaseOffer, PurchaseOfferLine, TrialInvitation } from './entities.js';
import { OfferCatalogue1763800400000 } from './migrations/1763800400000-OfferCatalogue.js';
import { OfferAcceptances1764000000000 } from './migrations/1764000000000-OfferAcceptances.js';
import { EventOutbox1764300000000 } from './migrations/1764300000000-EventOutbox.js';
import { AcceptanceFlows1764500000000 } from './migrations/1764500000000-AcceptanceFlows.js';
import { UpgradePaths1764600000000 } from './migrations/1764600000000-UpgradePaths.js';
import { AuditRetention1764600000000 } from './migrations/1764600000000-AuditRetention.js';
import { AcceptanceCaps1764600100000 } from './migrations/1764600100000-AcceptanceCaps.js';
import { OfferDescriptionTranslations1764700000000 } from './migrations/1764700000000-OfferDescriptionTranslations.js';

export const entities = [
  Offer,
  OfferAuthorisation,
  TrialInvitation,
  PurchaseOffer,
  PurchaseOfferLine,
  OfferAcceptance,
  ...platformEntities,
  EventOutboxEntity,
  FlowEntity,
];
export const migrations = [
  OfferCatalogue1763800400000,
  OfferAcceptances1764000000000,
  EventOutbox1764300000000,
  AcceptanceFlows1764500000000,
  UpgradePaths1764600000000,
  AuditRetention1764600000000,
  AcceptanceCaps1764600100000,
  OfferDescriptionTranslations1764700000000,
  ChangeNotifications1765100000000,
];
export { Offer, OfferAuthorisation, TrialInvitation, PurchaseOffer, PurchaseOfferLine, OfferAcceptance };
export * from './entities.js';
export { InvitationStore } from './invitation-store.js';
export { OfferStore } from './offer-store.js';
export { AcceptanceStore, type AcceptanceSource } from './acceptance-store.js';
