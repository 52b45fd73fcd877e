import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './config.js';
import { unauthenticated } from './errors.js';

/** The longest a verified token is taken on trust without checking its signature again. */
const VERIFIED_TOKEN_MS = 60_000;

/**
 * Verifies a partner user's bearer token (the gateway at the edge, every subgraph for the
 * requests a router forwards) and returns its subject. HS256 with a shared secret in
 * development; RS256/ES256 against the identity provider's JWKS in production. `alg: none`,
 * expired, not-yet-valid, forged and wrong issuer/audience tokens are all refused. A token that
 * verified is remembered until it expires, at most a minute, so a client's next requests skip
 * the signature check (ES256: ~0.1 ms of CPU each); a refused token is never remembered.
 */
export function createTokenVerifier(config: AuthConfig): (token: string) => Promise<string> {
  const jwks: JWTVerifyGetKey | null = config.mode === 'jwks' ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
  const secret = config.mode === 'hs256' ? new TextEncoder().encode(config.secret) : null;
  const options = {
    algorithms: config.mode === 'jwks' ? ['RS256', 'ES256'] : ['HS256'],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['sub', 'exp'],
    clockTolerance: 5,
  };
  const verified = new LRUCache<string, { subject: string; until: number }>({ max: 10_000 });
  return async (token) => {
    const known = verified.get(token);
    if (known && known.until > Date.now()) return known.subject;
    let subject: string;
    let expiresAt: number;
    try {
      const { payload } = jwks ? await jwtVerify(token, jwks, options) : await jwtVerify(token, secret!, options);
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject');
      subject = payload.sub;
      expiresAt = payload.exp! * 1000;
    } catch {
      verified.delete(token);
      throw unauthenticated('Invalid or expired token', { http: 401 });
    }
    verified.set(token, { subject, until: Math.min(expiresAt, Date.now() + VERIFIED_TOKEN_MS) });
    return subject;
  };
}

/** `Authorization: Bearer <token>` → token; absent → null; anything else is refused. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+([A-Za-z0-9\-_.]+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('Authorization must be a Bearer token', { http: 401 });
  return match[1]!;
}

/** A development token for a directory user's subject (`npm run token`, the tests). */
export async function signDevToken(
  subject: string,
  options: { secret: string; issuer?: string; audience?: string; ttlSeconds?: number },
): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 3600}s`);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
