const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{6,20}$/;
const COUNTRY = /^[A-Za-z]{2}$/;

export const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value.trim());
export const normaliseEmail = (value: string): string => value.trim().toLowerCase();
export const isPhone = (value: string): boolean => PHONE.test(value.trim()) && /[0-9]{2}/.test(value);
export const isCountryCode = (value: string): boolean => COUNTRY.test(value);
export function isWebsite(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,25}[a-z0-9])?$/;

/** `<prefix>.onmicrosoft.com`: letters, digits and inner hyphens, 1 to 27 characters. */
export const isDomainPrefix = (prefix: string): boolean => DOMAIN_PREFIX.test(prefix.toLowerCase());

const POSTAL_CODES: Record<string, RegExp> = {
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  DE: /^\d{5}$/,
  ES: /^\d{5}$/,
  US: /^\d{5}(-\d{4})?$/,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i,
  NL: /^\d{4} ?[A-Z]{2}$/i,
  BE: /^\d{4}$/,
  CH: /^\d{4}$/,
  AT: /^\d{4}$/,
  CA: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i,
};
const ANY_POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/;

/** Postal code syntax of the country when known, a generic one otherwise. */
export function isPostalCode(country: string, postalCode: string): boolean {
  return (POSTAL_CODES[country.toUpperCase()] ?? ANY_POSTAL_CODE).test(postalCode.trim());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else can only be "not found" (and must not reach SQL as a uuid). */
export const isUuid = (value: string): boolean => UUID.test(value);
