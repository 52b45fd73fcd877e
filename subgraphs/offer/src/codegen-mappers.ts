export type { OfferRow, TrialInvitationRow, PurchaseOfferRow, PurchaseOfferLineRow } from './db/entities.js';
export type { AcceptanceView } from './domain/acceptances.js';
export type { InvitationPreviewLine } from './domain/rules.js';
