import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/secrets.js';

describe('verifyPassword', () => {
  it('accepts the password a hash was made from, and nothing else', async () => {
    const stored = await hashPassword('Tempor4ryPassword');
    expect(await verifyPassword('Tempor4ryPassword', stored)).toBe(true);
    expect(await verifyPassword('tempor4rypassword', stored)).toBe(false);
    expect(await verifyPassword('Tempor4ryPassword ', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('two hashes of one password differ (salted), and each verifies', async () => {
    const [first, second] = [await hashPassword('same'), await hashPassword('same')];
    expect(first).not.toBe(second);
    expect(await verifyPassword('same', first)).toBe(true);
    expect(await verifyPassword('same', second)).toBe(true);
  });

  it('a malformed or foreign stored value matches no password', async () => {
    const [, salt, hash] = (await hashPassword('x')).split(':');
    for (const stored of ['', 'x', `bcrypt:${salt}:${hash}`, `scrypt:${salt}`, `scrypt:${salt}:${hash}AA`, `scrypt:${salt}:short`]) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });
});
