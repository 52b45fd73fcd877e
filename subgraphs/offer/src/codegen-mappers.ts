export type { OfferRow, TrialInvitationRow, PurchaseOfferRow, PurchaseOfferLineRow } from './db/entities.js';
