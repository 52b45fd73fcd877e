import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { DEMO, DEV_JWT_SECRET } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';

// Production mode: tokens signed by the identity provider (RS256 / ES256), checked against its
// JWKS, issuer and audience. The identity provider here is a JWKS document on port 0.
const ISSUER = 'https://login.partner-graph.example/';
const AUDIENCE = 'api://partner-graph';

let stack: Stack;
let jwksServer: http.Server;
let rsaKey: CryptoKey;
let ecKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  jwksServer = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  stack = await startStack({
    gatewayEnv: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      DASHBOARD_OIDC_CLIENT_ID: 'partner-dashboard',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

const token = (key: CryptoKey, alg: string, kid: string, claims: { iss?: string; aud?: string; sub?: string } = {}) =>
  new SignJWT({})
    .setProtectedHeader({ alg, kid })
    .setSubject(claims.sub ?? DEMO.users.contosoAgent.email)
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);

describe('identity provider tokens (JWKS)', () => {
  it.each([
    ['RS256', () => token(rsaKey, 'RS256', 'rsa-1')],
    ['ES256', () => token(ecKey, 'ES256', 'ec-1')],
  ])('accepts a valid %s token', async (_alg, make) => {
    const { data, errors } = await stack.graphql('{ me { email } }', {}, { token: await make() });
    expect(errors).toBeUndefined();
    expect(data!.me.email).toBe(DEMO.users.contosoAgent.email);
  });

  it.each([
    ['a wrong issuer', () => token(rsaKey, 'RS256', 'rsa-1', { iss: 'https://evil.example/' })],
    ['a wrong audience', () => token(rsaKey, 'RS256', 'rsa-1', { aud: 'api://someone-else' })],
    ['a key the provider does not publish', () => token(strangerKey, 'RS256', 'rsa-1')],
    [
      'an HS256 development token',
      async () =>
        new SignJWT({ iss: ISSUER, aud: AUDIENCE })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(DEMO.users.contosoAgent.email)
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(DEV_JWT_SECRET)),
    ],
  ])('refuses %s', async (_case, make) => {
    const { status, errors } = await stack.graphql('{ me { email } }', {}, { token: await make() });
    expect(status).toBe(401);
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the dashboard with an identity provider', () => {
  const origin = () => new URL(stack.gatewayUrl).origin;
  it('signs in with OpenID Connect against the issuer', async () => {
    const response = await fetch(`${origin()}/auth/config`);
    expect(await response.json()).toEqual({
      mode: 'oidc',
      authority: ISSUER,
      clientId: 'partner-dashboard',
      scope: 'openid profile email',
    });
  });
  it('has no development token endpoint', async () => {
    const response = await fetch(`${origin()}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.users.contosoAdmin.email }),
    });
    expect(response.status).toBe(404);
  });
});
