import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { createTokenVerifier, signDevToken } from '../src/auth.js';

const secret = 'a-development-secret-for-this-test-0123456789';
const auth = { mode: 'hs256' as const, secret, issuer: 'partner-graph-dev', audience: 'partner-graph' };
const sign = (ttlSeconds: number, subject = 'user-1') =>
  signDevToken(subject, { secret, issuer: auth.issuer, audience: auth.audience, ttlSeconds });

describe('a verified token, remembered', () => {
  afterEach(() => vi.useRealTimers());

  it('answers its subject again without changing what is refused', async () => {
    const verify = createTokenVerifier(auth);
    const token = await sign(600);
    expect(await verify(token)).toBe('user-1');
    expect(await verify(token)).toBe('user-1');
    // The same claims under another key: the remembered token does not vouch for it.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime('600s')
      .sign(new TextEncoder().encode(`${secret}-other`));
    await expect(verify(forged)).rejects.toThrow('Invalid or expired token');
    await expect(verify(`${token}x`)).rejects.toThrow('Invalid or expired token');
  });

  it('is refused once it expires, though it verified before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verify = createTokenVerifier(auth);
    const token = await sign(30);
    expect(await verify(token)).toBe('user-1');
    vi.setSystemTime(Date.now() + 20_000);
    expect(await verify(token)).toBe('user-1');
    // Past its expiry and the verifier's 5 s clock tolerance.
    vi.setSystemTime(Date.now() + 16_000);
    await expect(verify(token)).rejects.toThrow('Invalid or expired token');
  });
});
