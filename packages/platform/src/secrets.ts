import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** An unguessable code for a URL: 256 bits, base64url. */
export function generateCode(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A temporary password shown once: 16 characters with upper, lower and digit. */
export function generateTemporaryPassword(): string {
  for (;;) {
    let password = '';
    for (let i = 0; i < 16; i++) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}

/** scrypt hash `salt:hash`, so a stored password is never readable. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt:${salt.toString('base64url')}:${hash.toString('base64url')}`;
}

/**
 * Whether `password` is the one `stored` (a `hashPassword` result) was made from, compared in
 * constant time. A malformed `stored` is no match; it still costs one scrypt, like any check.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split(':');
  const expected = Buffer.from(hash ?? '', 'base64url');
  const wellFormed = scheme === 'scrypt' && salt !== undefined && expected.length === 32;
  const actual = await scrypt(password, Buffer.from(wellFormed ? salt : '', 'base64url'), 32);
  return wellFormed && timingSafeEqual(actual, expected);
}
