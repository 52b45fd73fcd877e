import { platformEntities } from '@partner-graph/platform';
import { Offer, OfferAuthorisation, PurchaseOffer, PurchaseOfferLine, TrialInvitation } from './entities.js';
import { OfferCatalogue1763800400000 } from './migrations/1763800400000-OfferCatalogue.js';

export const entities = [Offer, OfferAuthorisation, TrialInvitation, PurchaseOffer, PurchaseOfferLine, ...platformEntities];
export const migrations = [OfferCatalogue1763800400000];
export { Offer, OfferAuthorisation, TrialInvitation, PurchaseOffer, PurchaseOfferLine };
export * from './entities.js';
