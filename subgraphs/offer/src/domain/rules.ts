import { DomainError, isCountryCode, Problems, unavailableOffer, type OfferAvailability } from '@partner-graph/platform';
import type { OfferRow, PurchaseOfferRow, TrialInvitationRow } from '../db/index.js';

/** SPEC §4.3: a trial is 25 licences (for the offer's 30 days, counted by the subscription subgraph). */
export const TRIAL_SEATS = 25;
export const MAX_PURCHASE_OFFER_LINES = 20;

/** `fr` → `FR`; null stays null; anything that is not a two-letter code is refused. */
export function normaliseCountry(country: string | null | undefined): string | null {
  if (country === null || country === undefined) return null;
  const code = country.trim().toUpperCase();
  if (!isCountryCode(code)) throw new DomainError('VALIDATION_FAILED', 'Country must be an ISO 3166-1 alpha-2 code', 'country');
  return code;
}

/**
 * May the partner sell each offer in `country` (null: anywhere)? One answer per id, in order,
 * from the offers the partner may sell (`sellable`); any other id is simply unavailable.
 */
export function availabilityOf(offerIds: readonly string[], sellable: OfferRow[], country: string | null): OfferAvailability[] {
  const here = new Map(sellable.filter((row) => country === null || row.countries.includes(country)).map((row) => [row.id, row]));
  return offerIds.map((offerId) => {
    const offer = here.get(offerId);
    if (!offer) return unavailableOffer(offerId);
    return {
      offerId,
      available: true,
      name: offer.name,
      minQuantity: offer.minQuantity,
      maxQuantity: offer.maxQuantity,
      isTrial: offer.isTrial,
      isAddOn: offer.isAddOn,
      prerequisiteOfferIds: offer.prerequisiteOfferIds,
      term: offer.term,
      billingCycle: offer.billingCycle,
    };
  });
}

/** A trial invitation is for a trial offer the partner may sell. */
export function checkTrialOffer(offer: OfferRow | undefined): OfferRow {
  if (!offer) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
  if (!offer.isTrial) throw new DomainError('NOT_A_TRIAL_OFFER', 'A trial invitation needs a trial offer', 'offerId');
  return offer;
}

/** Before the catalogue is asked: 1 to 20 lines. */
export function checkLineCount(lines: readonly unknown[]): void {
  if (lines.length === 0) throw new DomainError('VALIDATION_FAILED', 'A purchase offer needs at least one offer', 'lines');
  if (lines.length > MAX_PURCHASE_OFFER_LINES) {
    throw new DomainError('VALIDATION_FAILED', `A purchase offer has at most ${MAX_PURCHASE_OFFER_LINES} offers`, 'lines');
  }
}

/**
 * The lines of a purchase offer, against the offers the partner may sell (`offers`, by id): every
 * problem at once — an offer not sold, twice, or a trial; a quantity outside the offer's range;
 * an add-on without one of its prerequisites in the same offer (the customer is new).
 */
export function checkPurchaseOfferLines(lines: readonly { offerId: string; quantity: number }[], offers: ReadonlyMap<string, OfferRow>): void {
  const problems = new Problems();
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const offer = offers.get(line.offerId);
    if (!offer) {
      problems.add('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', `lines[${index}].offerId`);
      return;
    }
    if (seen.has(offer.id)) problems.add('VALIDATION_FAILED', 'Each offer may appear only once', `lines[${index}].offerId`);
    seen.add(offer.id);
    if (offer.isTrial) problems.add('VALIDATION_FAILED', 'Trial offers are sent with a trial invitation', `lines[${index}].offerId`);
    if (!Number.isInteger(line.quantity) || line.quantity < offer.minQuantity || line.quantity > offer.maxQuantity) {
      problems.add('QUANTITY_OUT_OF_RANGE', `${offer.name} needs between ${offer.minQuantity} and ${offer.maxQuantity} licences`, `lines[${index}].quantity`);
    }
  });
  lines.forEach((line, index) => {
    const offer = offers.get(line.offerId);
    if (offer?.isAddOn && !offer.prerequisiteOfferIds.some((id) => seen.has(id))) {
      problems.add('PREREQUISITE_MISSING', `${offer.name} needs one of its prerequisite offers in the same purchase offer`, `lines[${index}].offerId`);
    }
  });
  problems.throwIfAny();
}

export interface InvitationPreviewLine {
  offerId: string;
  name: string;
  description: string;
  quantity: number;
  minQuantity: number;
  maxQuantity: number;
  unitPrice: number;
  currency: string;
  billingCycle: OfferRow['billingCycle'];
  term: OfferRow['term'];
  isTrial: boolean;
  trialDays: number | null;
  countries: string[];
}

/**
 * What a link shows of each wanted line. An offer the partner may no longer sell (absent from
 * `offers`) is left out: accepting would answer OFFER_NOT_AVAILABLE. A trial is free and fixed
 * at its 25 seats.
 */
export function previewLines(wanted: readonly { offerId: string; quantity: number }[], offers: ReadonlyMap<string, OfferRow>): InvitationPreviewLine[] {
  return wanted.flatMap(({ offerId, quantity }) => {
    const offer = offers.get(offerId);
    if (!offer) return [];
    const fixed = offer.isTrial ? TRIAL_SEATS : null;
    return [{
      offerId,
      name: offer.name,
      description: offer.description,
      quantity,
      minQuantity: fixed ?? offer.minQuantity,
      maxQuantity: fixed ?? offer.maxQuantity,
      unitPrice: offer.isTrial ? 0 : Number(offer.unitPrice),
      currency: offer.currency,
      billingCycle: offer.billingCycle,
      term: offer.term,
      isTrial: offer.isTrial,
      trialDays: offer.trialDays,
      countries: offer.countries,
    }];
  });
}

/** A link's code as entered, or null when it cannot be one (codes are 43+ characters), so it costs no query. */
export function invitationCode(code: string): string | null {
  const value = code.trim();
  return value.length < 32 || value.length > 128 ? null : value;
}

/** An invitation is revoked once. */
export function revoked<T extends TrialInvitationRow | PurchaseOfferRow>(invitation: T, now: Date): T {
  if (invitation.status === 'REVOKED') throw new DomainError('INVALID_STATUS_TRANSITION', 'Already revoked', 'id');
  return { ...invitation, status: 'REVOKED', revokedAt: now };
}
