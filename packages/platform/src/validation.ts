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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else can only be "not found" (and must not reach SQL as a uuid). */
export const isUuid = (value: string): boolean => UUID.test(value);
