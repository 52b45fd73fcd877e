import {
  DomainError,
  isCountryCode,
  normaliseEmail,
  Problems,
  readCustomerAccount,
  unavailableOffer,
  type CustomerAccountRules,
  type OfferAvailability,
  type PayloadError,
} from '@partner-graph/platform';
import type {
  AccountRequest,
  OfferAcceptanceRow,
  OfferRow,
  PurchaseOfferLineRow,
  PurchaseOfferRow,
  TrialInvitationRow,
} from '../db/index.js';

/** A trial is 25 licences (for the offer's 30 days, counted by the subscription subgraph). */
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
      upgradeTargetIds: offer.upgradeTargetIds,
      convertsToId: offer.convertsToId,
      unitPrice: offer.unitPrice,
      currency: offer.currency,
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
export function checkPurchaseOfferLines(
  lines: readonly { offerId: string; quantity: number }[],
  offers: ReadonlyMap<string, OfferRow>,
): void {
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
      problems.add(
        'QUANTITY_OUT_OF_RANGE',
        `${offer.name} needs between ${offer.minQuantity} and ${offer.maxQuantity} licences`,
        `lines[${index}].quantity`,
      );
    }
  });
  lines.forEach((line, index) => {
    const offer = offers.get(line.offerId);
    if (offer?.isAddOn && !offer.prerequisiteOfferIds.some((id) => seen.has(id))) {
      problems.add(
        'PREREQUISITE_MISSING',
        `${offer.name} needs one of its prerequisite offers in the same purchase offer`,
        `lines[${index}].offerId`,
      );
    }
  });
  problems.throwIfAny();
}

/** An offer's description in `language` (`fr`, `fr-BE`) when the catalogue has it, else in English. */
export function describedIn(offer: Pick<OfferRow, 'description' | 'translatedDescriptions'>, language: string | null | undefined): string {
  const wanted = language?.trim().toLowerCase().split('-')[0];
  return (wanted && offer.translatedDescriptions[wanted]) || offer.description;
}

export interface InvitationPreviewLine {
  offerId: string;
  name: string;
  description: string;
  translatedDescriptions: Record<string, string>;
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
export function previewLines(
  wanted: readonly { offerId: string; quantity: number }[],
  offers: ReadonlyMap<string, OfferRow>,
): InvitationPreviewLine[] {
  return wanted.flatMap(({ offerId, quantity }) => {
    const offer = offers.get(offerId);
    if (!offer) return [];
    const fixed = offer.isTrial ? TRIAL_SEATS : null;
    return [
      {
        offerId,
        name: offer.name,
        description: offer.description,
        translatedDescriptions: offer.translatedDescriptions,
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
      },
    ];
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

// Acceptances: a prospective customer accepting a trial invitation or a purchase offer.

/** What the customer enters when accepting a link. */
export interface AcceptingCustomer {
  companyName: string;
  country: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone?: string | null;
  domainPrefix?: string | null;
}

/** The account part of a request to the customer subgraph, from what the customer entered. */
export type AcceptedCustomer = Omit<AccountRequest, 'partnerId' | 'relationship' | 'includeDelegatedAdmin' | 'subscriptions'>;

/** A customer accepting a link names its company, its address and a contact (the phone and the domain may be left to defaults). */
const ACCEPTING_CUSTOMER: CustomerAccountRules = { role: 'contact', address: 'required', phone: 'optional', domainPrefix: 'optional' };

/** Trimmed, with every problem listed under `customer.<field>`; optional fields left out when empty. */
export function acceptingCustomer(input: AcceptingCustomer): AcceptedCustomer {
  const problems = new Problems();
  const account = readCustomerAccount(input, ACCEPTING_CUSTOMER, problems, 'customer.');
  problems.throwIfAny();
  const { companyName, country, domainPrefix } = account;
  const contactPhone = account.person.phone;
  return {
    companyName,
    country,
    addressLine1: account.addressLine1 ?? '',
    city: account.city ?? '',
    postalCode: account.postalCode?.toUpperCase() ?? '',
    contactFirstName: account.person.firstName,
    contactLastName: account.person.lastName,
    contactEmail: normaliseEmail(account.person.email),
    ...(contactPhone ? { contactPhone } : {}),
    ...(domainPrefix ? { domainPrefix } : {}),
  };
}

/** A caller's idempotency key, when given: 1 to 200 characters. */
export function checkIdempotencyKey(idempotencyKey: string | null | undefined): void {
  if (idempotencyKey != null && (!idempotencyKey.trim() || idempotencyKey.length > 200)) {
    throw new DomainError('VALIDATION_FAILED', 'idempotencyKey: 1 to 200 characters', 'idempotencyKey');
  }
}

/** A retry under the same idempotency key must be the same request: it then answers with the first acceptance. */
export function sameAcceptanceRequest(recorded: OfferAcceptanceRow, requestHash: string): OfferAcceptanceRow {
  if (recorded.requestHash !== requestHash)
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', 'idempotencyKey');
  return recorded;
}

/** The most acceptances a partner may set on one link. */
export const MAX_ACCEPTANCES_LIMIT = 100_000;

/** A link's cap on its acceptances: none, or 1 to MAX_ACCEPTANCES_LIMIT. */
export function checkMaxAcceptances(maxAcceptances: number | null | undefined): number | null {
  if (maxAcceptances == null) return null;
  if (!Number.isInteger(maxAcceptances) || maxAcceptances < 1 || maxAcceptances > MAX_ACCEPTANCES_LIMIT) {
    throw new DomainError('VALIDATION_FAILED', `maxAcceptances: 1 to ${MAX_ACCEPTANCES_LIMIT}, or none`, 'maxAcceptances');
  }
  return maxAcceptances;
}

/**
 * A link can be accepted until the partner revokes it, and, with a cap, while fewer acceptances
 * than the cap hold an account or are making one (`taken`: PENDING and COMPLETED; a FAILED one
 * gives its place back).
 */
export function acceptable<T extends TrialInvitationRow | PurchaseOfferRow>(invitation: T, taken: number): T {
  const state = linkState(invitation, taken);
  if (state === 'REVOKED') throw new DomainError('REVOKED', 'This link has been withdrawn', 'code');
  if (state === 'FULL')
    throw new DomainError('ACCEPTANCE_LIMIT_REACHED', 'This link has been accepted as many times as its sender allows', 'code');
  return invitation;
}

/** Whether a link can be accepted (`acceptable`'s rule), as its page tells the visitor. */
export function linkState(invitation: TrialInvitationRow | PurchaseOfferRow, taken: number): 'ACTIVE' | 'REVOKED' | 'FULL' {
  if (invitation.status === 'REVOKED') return 'REVOKED';
  if (invitation.maxAcceptances !== null && taken >= invitation.maxAcceptances) return 'FULL';
  return 'ACTIVE';
}

/**
 * Every offer must still be one the partner may sell (`anywhere`), and be sold in the customer's
 * country (`here`, one answer per offer in the same order); returns `here`.
 */
export function soldIn(
  country: string,
  anywhere: readonly OfferAvailability[],
  here: readonly OfferAvailability[],
): readonly OfferAvailability[] {
  if (anywhere.some((offer) => !offer.available)) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is no longer available', 'code');
  const missing = here.find((offer) => !offer.available);
  if (missing) {
    const name = anywhere.find((offer) => offer.offerId === missing.offerId)?.name ?? 'This offer';
    throw new DomainError('COUNTRY_NOT_SUPPORTED', `${name} is not sold in ${country}`, 'customer.country');
  }
  return here;
}

/** A line of an accepted purchase offer, with the input field its count came from. */
export interface ChosenLine {
  offerId: string;
  quantity: number;
  field: string;
}

/** The customer's counts override the suggested ones, line by line; each names an offer of the purchase offer, once. */
export function chosenLines(
  lines: readonly PurchaseOfferLineRow[],
  quantities: readonly { offerId: string; quantity: number }[] | null | undefined,
): ChosenLine[] {
  const problems = new Problems();
  const wanted = new Map<string, { quantity: number; index: number }>();
  (quantities ?? []).forEach((entry, index) => {
    if (!lines.some((line) => line.offerId === entry.offerId)) {
      problems.add('VALIDATION_FAILED', 'This offer is not part of the purchase offer', `quantities[${index}].offerId`);
    } else if (wanted.has(entry.offerId)) {
      problems.add('VALIDATION_FAILED', 'Each offer may appear only once', `quantities[${index}].offerId`);
    } else {
      wanted.set(entry.offerId, { quantity: entry.quantity, index });
    }
  });
  problems.throwIfAny();
  return lines.map((line) => {
    const override = wanted.get(line.offerId);
    return {
      offerId: line.offerId,
      quantity: override?.quantity ?? line.quantity,
      field: override ? `quantities[${override.index}].quantity` : `lines[${line.position}].quantity`,
    };
  });
}

/** Each chosen count within its offer's min/max (`offers`: the availability of each line, in order); every problem at once. */
export function checkChosenQuantities(chosen: readonly ChosenLine[], offers: readonly OfferAvailability[]): void {
  const problems = new Problems();
  chosen.forEach((line, index) => {
    const offer = offers[index]!;
    const min = offer.minQuantity ?? 1;
    const max = offer.maxQuantity ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(line.quantity) || line.quantity < min || line.quantity > max) {
      problems.add('QUANTITY_OUT_OF_RANGE', `${offer.name ?? 'This offer'} needs between ${min} and ${max} licences`, line.field);
    }
  });
  problems.throwIfAny();
}

/** A new acceptance: PENDING until the customer subgraph has made its account. */
export function newAcceptance(
  fields: Pick<
    OfferAcceptanceRow,
    'id' | 'partnerId' | 'trialInvitationId' | 'purchaseOfferId' | 'idempotencyKey' | 'requestHash' | 'accountRequest'
  >,
  now: Date,
): OfferAcceptanceRow {
  return {
    ...fields,
    status: 'PENDING',
    customerId: null,
    adminUserId: null,
    adminUserName: null,
    failureCode: null,
    failureMessage: null,
    failureField: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

/** The customer subgraph made the account: COMPLETED. */
export function completedAcceptance(
  acceptance: OfferAcceptanceRow,
  account: { customerId: string; adminUserId: string | null; adminUserName: string | null },
  now: Date,
): OfferAcceptanceRow {
  if (acceptance.status !== 'PENDING')
    throw new DomainError('INVALID_STATUS_TRANSITION', `This acceptance is already ${acceptance.status}`, 'id');
  return {
    ...acceptance,
    status: 'COMPLETED',
    customerId: account.customerId,
    adminUserId: account.adminUserId,
    adminUserName: account.adminUserName,
    updatedAt: now,
    completedAt: now,
  };
}

/** The customer subgraph's field names are the accepting customer's, under `customer.` here. */
const CUSTOMER_FIELDS = new Set([
  'companyName',
  'domainPrefix',
  'country',
  'addressLine1',
  'city',
  'postalCode',
  'contactFirstName',
  'contactLastName',
  'contactEmail',
  'contactPhone',
]);

/** The customer subgraph refused the account for good (nothing was made): FAILED, with its first reason, named by the accepting customer's field. */
export function failedAcceptance(acceptance: OfferAcceptanceRow, refusal: PayloadError, now: Date): OfferAcceptanceRow {
  if (acceptance.status !== 'PENDING')
    throw new DomainError('INVALID_STATUS_TRANSITION', `This acceptance is already ${acceptance.status}`, 'id');
  const field = refusal.field && CUSTOMER_FIELDS.has(refusal.field) ? `customer.${refusal.field}` : (refusal.field ?? null);
  return {
    ...acceptance,
    status: 'FAILED',
    failureCode: refusal.code,
    failureMessage: refusal.message,
    failureField: field,
    updatedAt: now,
  };
}
