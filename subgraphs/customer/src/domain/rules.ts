import {
  addDays,
  addMonths,
  DomainError,
  effectiveCustomerAccess,
  forbidden,
  Problems,
  type EventType,
  type NewEvent,
  type PartnerViewer,
  type Viewer,
} from '@partner-graph/platform';
import type {
  CustomerUserRow,
  DelegatedAdminAccess,
  DelegatedAdminRelationshipRow,
  DelegatedAdminStatus,
  ServiceRequestRow,
} from '../db/entities.js';

export const ONMICROSOFT = '.onmicrosoft.com';
/** Deleted customer users can be restored this long, then they are purged. */
export const USER_RESTORE_DAYS = 30;
/** An unaccepted delegated-admin offer lapses after 90 days; an accepted relationship after 2 years. */
export const DELEGATED_ADMIN_OFFER_DAYS = 90;
export const DELEGATED_ADMIN_MONTHS = 24;

export const domainOf = (prefix: string): string => `${prefix.toLowerCase()}${ONMICROSOFT}`;

/** A domain prefix derived from a company name (the caller makes it unique). */
export function prefixFromName(companyName: string): string {
  const slug = companyName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20);
  return slug || 'customer';
}

const CULTURES: Record<string, string> = {
  FR: 'fr-FR',
  IT: 'it-IT',
  DE: 'de-DE',
  ES: 'es-ES',
  GB: 'en-GB',
  US: 'en-US',
  NL: 'nl-NL',
  BE: 'fr-BE',
  CH: 'de-CH',
  AT: 'de-AT',
  CA: 'en-CA',
};

/** Language and culture defaulted from the country. */
export function localeOf(country: string, language?: string | null, culture?: string | null): { language: string; culture: string } {
  const defaultCulture = CULTURES[country.toUpperCase()] ?? 'en-US';
  const chosenCulture = culture?.trim() || defaultCulture;
  return { language: language?.trim().toLowerCase() || chosenCulture.split('-')[0]!, culture: chosenCulture };
}

const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
export const isUserLocalPart = (value: string): boolean => LOCAL_PART.test(value);

/** `Anne-Marie Dupré` → `anne-marie.dupre`. */
export function localPartFromName(firstName: string, lastName: string): string {
  const clean = (value: string) =>
    value
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '');
  return [clean(firstName), clean(lastName)].filter(Boolean).join('.') || 'user';
}

/** Escapes `%`, `_` and `\` for a LIKE prefix pattern. */
export const likePrefix = (value: string): string => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Admin rights on a customer (docs/api.md, "Who may do what"), given the partner's rights there (`adminAccess`, null
 * without any): with `needed`, the viewer's effective access — the lesser of its own and its
 * partner's — must reach that level, else NO_ADMIN_RIGHTS.
 */
export function checkAdminRights(
  viewer: PartnerViewer,
  adminAccess: 'FULL' | 'LIMITED' | null,
  needed: 'FULL' | 'LIMITED' | undefined,
  field: string,
): void {
  if (!needed) return;
  if (adminAccess === null) {
    throw new DomainError(
      'NO_ADMIN_RIGHTS',
      'Your organisation has no admin rights on this customer (reseller or active delegated administration needed)',
      field,
    );
  }
  if (needed === 'FULL' && effectiveCustomerAccess(viewer, adminAccess) !== 'FULL') throw limitedRelationship(field);
}

/** A LIMITED delegated-admin relationship is a password admin's rights, whatever the agent's own access. */
export const limitedRelationship = (field: string) =>
  new DomainError(
    'NO_ADMIN_RIGHTS',
    "Your organisation's delegated administration of this customer is LIMITED: password resets of non-admin users and service requests only",
    field,
  );

/* Customer users */

/** When a deleted user is purged for good. */
export const purgeAt = (user: CustomerUserRow): Date | null => (user.deletedAt ? addDays(user.deletedAt, USER_RESTORE_DAYS) : null);

/** A new user's names, and the local part of its user name (given, or made from the names): every mistake at once. */
export function readNewCustomerUser(input: { firstName: string; lastName: string; userName?: string | null }): {
  firstName: string;
  lastName: string;
  localPart: string;
} {
  const problems = new Problems();
  if (!input.firstName.trim()) problems.add('VALIDATION_FAILED', 'First name is required', 'input.firstName');
  if (!input.lastName.trim()) problems.add('VALIDATION_FAILED', 'Last name is required', 'input.lastName');
  const localPart = (input.userName?.trim() || localPartFromName(input.firstName, input.lastName)).toLowerCase();
  if (!isUserLocalPart(localPart))
    problems.add('VALIDATION_FAILED', 'User name: letters, digits, dots, hyphens or underscores', 'input.userName');
  problems.throwIfAny();
  return { firstName: input.firstName.trim(), lastName: input.lastName.trim(), localPart };
}

/** A user is deleted once, and the customer keeps at least one admin (`otherAdmins`: its other undeleted admins). */
export function deleted(user: CustomerUserRow, otherAdmins: number, now: Date): CustomerUserRow {
  if (user.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'This user is already deleted', 'id');
  if (user.isAdmin && otherAdmins === 0) throw new DomainError('VALIDATION_FAILED', 'The customer must keep at least one admin', 'id');
  return { ...user, deletedAt: now };
}

export function restored(user: CustomerUserRow): CustomerUserRow {
  if (!user.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'This user is not deleted', 'id');
  return { ...user, deletedAt: null };
}

/**
 * A helpdesk agent is a password admin: it cannot reset an admin's password; nor can anyone
 * through a LIMITED delegated-admin relationship. A deleted user is restored first.
 */
export function checkPasswordReset(viewer: PartnerViewer, user: CustomerUserRow, adminAccess: 'FULL' | 'LIMITED' | null): void {
  if (user.isAdmin && viewer.customerAccess !== 'FULL') throw forbidden("Only FULL customer access can reset a customer admin's password");
  if (user.isAdmin && effectiveCustomerAccess(viewer, adminAccess) !== 'FULL') throw limitedRelationship('id');
  if (user.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'Restore the user before resetting its password', 'id');
}

/* Service requests */

export function readServiceRequest(input: { title: string; description: string }): { title: string; description: string } {
  const problems = new Problems();
  const title = input.title.trim();
  if (!title) problems.add('VALIDATION_FAILED', 'Title is required', 'input.title');
  else if (title.length > 200) problems.add('VALIDATION_FAILED', 'Title: at most 200 characters', 'input.title');
  if (!input.description.trim()) problems.add('VALIDATION_FAILED', 'Description is required', 'input.description');
  problems.throwIfAny();
  return { title, description: input.description.trim() };
}

export function readNote(text: string): string {
  if (!text.trim()) throw new DomainError('VALIDATION_FAILED', 'The note is empty', 'text');
  return text.trim();
}

/** A partner's note goes on an open request; one waiting for the partner (ATTENTION_NEEDED) goes back to OPEN. */
export function noted(request: ServiceRequestRow): ServiceRequestRow {
  if (request.status === 'CLOSED') throw new DomainError('INVALID_STATUS_TRANSITION', 'This service request is closed', 'id');
  return { ...request, status: 'OPEN' };
}

export function closed(request: ServiceRequestRow, now: Date): ServiceRequestRow {
  if (request.status === 'CLOSED') throw new DomainError('INVALID_STATUS_TRANSITION', 'This service request is already closed', 'id');
  return { ...request, status: 'CLOSED', closedAt: now };
}

/* Delegated administration (GDAP-like) */

/** The status as of now: a pending offer or an active relationship past its expiry is EXPIRED. */
export function effectiveStatus(row: DelegatedAdminRelationshipRow, now: Date): DelegatedAdminStatus {
  if ((row.status === 'PENDING' || row.status === 'ACTIVE') && row.expiresAt <= now) return 'EXPIRED';
  return row.status;
}

/** A code as entered, or null when it cannot be one. */
export function enteredCode(code: string): string | null {
  return !code.trim() || code.length > 200 ? null : code.trim();
}

/** A new offer: PENDING for 90 days. */
export function newOffer(
  spec: { id: string; customerId: string; partnerId: string; access: DelegatedAdminAccess; codeHash: string },
  now: Date,
): DelegatedAdminRelationshipRow {
  return {
    ...spec,
    status: 'PENDING',
    terminationCodeHash: null,
    createdAt: now,
    acceptedAt: null,
    expiresAt: addDays(now, DELEGATED_ADMIN_OFFER_DAYS),
    terminatedAt: null,
  };
}

/** Whether the offer can still be accepted at `now`. */
export const isOpenOffer = (offer: DelegatedAdminRelationshipRow, now: Date): boolean =>
  offer.status === 'PENDING' && effectiveStatus(offer, now) === 'PENDING';

/** An accepted offer is ACTIVE for 2 years; its code is spent and the customer's termination code set. */
export function accepted(offer: DelegatedAdminRelationshipRow, terminationCodeHash: string, now: Date): DelegatedAdminRelationshipRow {
  return {
    ...offer,
    status: 'ACTIVE',
    codeHash: null,
    terminationCodeHash,
    acceptedAt: now,
    expiresAt: addMonths(now, DELEGATED_ADMIN_MONTHS),
  };
}

/** Ending a PENDING or ACTIVE relationship; null when it has ended already (the caller says how to refuse). */
export function terminated(before: DelegatedAdminRelationshipRow, now: Date): DelegatedAdminRelationshipRow | null {
  const status = effectiveStatus(before, now);
  if (status !== 'PENDING' && status !== 'ACTIVE') return null;
  return { ...before, status: 'TERMINATED', codeHash: null, terminationCodeHash: null, terminatedAt: now };
}

export const expired = (before: DelegatedAdminRelationshipRow): DelegatedAdminRelationshipRow => ({
  ...before,
  status: 'EXPIRED',
  codeHash: null,
  terminationCodeHash: null,
});

/** Failed sign-ins to accept an offer: at most this many per code and per user name in the window, then refused until they age out. */
export const SIGN_IN_FAILURE_LIMIT = 5;
export const SIGN_IN_WINDOW_MINUTES = 15;

/** Since when failed sign-ins still count at `now`. */
export const signInWindowStart = (now: Date): Date => new Date(now.getTime() - SIGN_IN_WINDOW_MINUTES * 60_000);

/** Refuses a sign-in while the code or the user name has had the limit of failures in the window (`failures`: the most of either). */
export function checkSignInAttempts(failures: number): void {
  if (failures >= SIGN_IN_FAILURE_LIMIT) {
    throw new DomainError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins: try again in ${SIGN_IN_WINDOW_MINUTES} minutes`, 'password');
  }
}

/** The sign-in names the account's user by its user name: a trimmed address, at most 254 characters. */
export function enteredUserName(userName: string): string | null {
  const trimmed = userName.trim().toLowerCase();
  return trimmed.includes('@') && trimmed.length <= 254 ? trimmed : null;
}

/**
 * Who may accept an offer: an undeleted admin user of the offer's customer whose password
 * matched. Any other case gets the same answer, so a refusal tells nothing of who exists.
 */
export function acceptingAdmin(
  user: CustomerUserRow | null,
  offer: DelegatedAdminRelationshipRow,
  passwordMatches: boolean,
): CustomerUserRow {
  if (!user || !passwordMatches || !user.isAdmin || user.deletedAt !== null || user.customerId !== offer.customerId) {
    throw new DomainError(
      'INVALID_CREDENTIALS',
      'The user name or password is incorrect, or this user is not an administrator of the account offered administration',
      'password',
    );
  }
  return user;
}

export const relationshipAuditView = (row: DelegatedAdminRelationshipRow) => ({
  access: row.access,
  status: row.status,
  expiresAt: row.expiresAt,
});

/** An event about a delegated-admin relationship; its codes never leave the subgraph. */
export function relationshipEvent(type: EventType, row: DelegatedAdminRelationshipRow, reason: string): NewEvent {
  return {
    type,
    partnerId: row.partnerId,
    objectType: 'DelegatedAdminRelationship',
    objectId: row.id,
    data: { customerId: row.customerId, ...relationshipAuditView(row), reason },
  };
}
