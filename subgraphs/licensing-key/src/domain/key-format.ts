import { randomInt } from 'node:crypto';
import { sha256 } from '@partner-graph/platform';

/** The product-key alphabet (no vowels, no look-alikes such as 0/O, 1/I, 5/S). */
export const KEY_ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';
export const KEY_LENGTH = 25;
const GROUP = 5;
const VALID = new RegExp(`^[${KEY_ALPHABET}]{${KEY_LENGTH}}$`);

/** A new key from the cryptographic RNG: 25 uniform characters of a 24-letter alphabet (~114 bits). */
export function generateProductKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

export type NormalisedKey = { ok: true; key: string } | { ok: false; message: string };

/**
 * A key as typed by a person: any case, with or without hyphens or spaces between characters.
 * Returns the 25 bare characters, or why it is not a key.
 */
export function normaliseProductKey(input: string): NormalisedKey {
  const bare = input.replace(/[\s-]+/g, '').toUpperCase();
  if (bare.length === 0) return { ok: false, message: 'Enter a product key' };
  const wrong = [...new Set([...bare].filter((c) => !KEY_ALPHABET.includes(c)))];
  if (wrong.length > 0) {
    return { ok: false, message: `A product key uses only the characters ${KEY_ALPHABET}; "${wrong.join('", "')}" is not one of them` };
  }
  if (bare.length !== KEY_LENGTH) {
    return { ok: false, message: `A product key has ${KEY_LENGTH} characters (five groups of five); this one has ${bare.length}` };
  }
  if (!VALID.test(bare)) return { ok: false, message: 'Not a product key' };
  return { ok: true, key: bare };
}

/** `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` of 25 bare characters. */
export function formatProductKey(bare: string): string {
  return bare.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** What is ever shown of a key after ordering: its last five characters. */
export function maskProductKey(lastFive: string): string {
  return `XXXXX-XXXXX-XXXXX-XXXXX-${lastFive}`;
}

export const lastFiveOf = (bare: string): string => bare.slice(-GROUP);

/**
 * What is stored: SHA-256 of the 25 bare characters. A key has ~114 bits of entropy, so an
 * unsalted hash cannot be reversed by search, and it stays a deterministic lookup index.
 */
export function hashProductKey(bare: string): string {
  return sha256(`product-key:${bare}`);
}
