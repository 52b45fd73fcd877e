import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../test/stack.js';
import { DASHBOARD } from '../build.js'; // built by web/test/global-setup.ts
import { chromiumMissing, launchChromium, poll, requireChromiumInCi } from './browser.js';

// Production sign-in: the dashboard signs in with OpenID Connect (authorization code + PKCE)
// against a real OpenID provider (panva's oidc-provider, its development login pages), and the
// gateway verifies the provider's RS256 access tokens against its JWKS. No development token
// endpoint exists in this mode.
const AUDIENCE = 'api://partner-graph';
const CLIENT_ID = 'partner-dashboard';

requireChromiumInCi();

let provider: Provider | null = null;
let idp: http.Server;
let issuer: string;
let stack: Stack;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (chromiumMissing) return;
  // oidc-provider tells a developer, on the console, that its quick-start settings are for development: they are, here.
  for (const level of ['warn', 'info'] as const) {
    const print = console[level];
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider')) print(...args);
    });
  }
  const { default: OpenIdProvider } = await import('oidc-provider');
  // The provider needs the dashboard's origin and the gateway the provider's: listen first, configure after.
  idp = http.createServer((req, res) => (provider ? void provider.callback()(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  stack = await startStack({
    gatewayEnv: {
      AUTH_JWKS_URL: `${issuer}/jwks`,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: AUDIENCE,
      DASHBOARD_DIR: DASHBOARD.dir,
      DASHBOARD_OIDC_CLIENT_ID: CLIENT_ID,
    },
  });
  origin = new URL(stack.gatewayUrl).origin;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  provider = new OpenIdProvider(issuer, {
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/sign-in`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-1' }] },
    pkce: { required: () => true },
    clientBasedCORS: () => true,
    // The demo identity provider's subject is the user's email (see the partner seed).
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid profile email',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => idp?.close(resolve));
});

describe.skipIf(chromiumMissing)('OpenID Connect sign-in', () => {
  it('signs in with the authorization code and PKCE, and comes back to the page asked for', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}/customers?search=north`);
    expect(await page.getByRole('button', { name: DEMO.users.contosoAgent.email }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();

    await poll(() => page.url().startsWith(issuer)).toBe(true);
    await page.getByPlaceholder('Enter any login').fill(DEMO.users.contosoAgent.email);
    await page.getByPlaceholder('and password').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await poll(() => page.url()).toBe(`${origin}/customers?search=north`);
    await poll(() => page.getByRole('button', { name: 'Northwind Traders' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Alex Agent: account menu' }).click();
    await poll(() => page.getByRole('menu').getByText(DEMO.users.contosoAgent.email).isVisible()).toBe(true);

    // Signing out ends the provider's session too (RP-initiated logout), then comes back to sign-in.
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await poll(() => page.url().startsWith(`${issuer}/session/end`)).toBe(true);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await poll(() => page.url()).toBe(`${origin}/sign-in`);
    // The next sign-in asks for the account again instead of letting the browser straight back in.
    await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();
    await poll(() => page.url().startsWith(issuer)).toBe(true);
    await poll(() => page.getByPlaceholder('Enter any login').isVisible()).toBe(true);
    await page.close();
  });
});
