import type { Viewer } from '@partner-graph/platform';

/** Who acts, for the audit trail. */
export interface Actor {
  viewer: Viewer;
  requestId: string;
}

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
