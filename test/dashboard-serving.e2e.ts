import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEV_INTERNAL_SECRET, loadGatewayConfig } from '@partner-graph/platform';
import { devTokensEnabled, dashboardSignIn } from '../gateway/src/dashboard.js';
import { startStack, type Stack } from './stack.js';

// The gateway serves the built dashboard on its own origin (DASHBOARD_DIR), tells it how to sign
// in, and — outside production only — signs development tokens for the demo users.
let stack: Stack;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Partner admin center</title>');
  writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  stack = await startStack({ gatewayEnv: { DASHBOARD_DIR: dir } });
  origin = new URL(stack.gatewayUrl).origin;
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard on the gateway’s origin', () => {
  it.each(['/', '/customers', '/subscriptions/6f1a0c3e-0000-4000-8005-000000000001', '/accept/trial/abc'])(
    'serves the app at %s',
    async (route) => {
      const response = await fetch(`${origin}${route}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Partner admin center');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    },
  );

  it('serves hashed assets for good, and a missing one as 404 (not the app)', async () => {
    const asset = await fetch(`${origin}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${origin}/assets/gone-0000.js`)).status).toBe(404);
  });

  it('still answers GraphQL and health on the same origin', async () => {
    const { data } = await stack.graphql('{ me { email } }', {}, { as: DEMO.users.contosoAgent.email });
    expect(data?.me.email).toBe(DEMO.users.contosoAgent.email);
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
});

describe('development sign-in', () => {
  it('offers the demo users', async () => {
    const response = await fetch(`${origin}/auth/config`);
    expect(await response.json()).toEqual({ mode: 'development', demoUsers: Object.values(DEMO.users).map((user) => user.email) });
  });

  it('signs a token the gateway accepts for a demo user', async () => {
    const response = await fetch(`${origin}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.users.contosoHelpdesk.email }),
    });
    const { token } = (await response.json()) as { token: string };
    const { data } = await stack.graphql('{ me { email customerAccess } }', {}, { token });
    expect(data?.me).toEqual({ email: DEMO.users.contosoHelpdesk.email, customerAccess: 'LIMITED' });
  });

  it('signs nothing for anyone else', async () => {
    const response = await fetch(`${origin}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@contoso-partner.example' }),
    });
    expect(response.status).toBe(400);
  });

  it('does not exist in production, which signs in with OpenID Connect', () => {
    const production = loadGatewayConfig({
      NODE_ENV: 'production',
      ROUTER_SIGNING_SECRET: `${DEV_INTERNAL_SECRET}-router`,
      TRUST_PROXY_HOPS: '1',
      METRICS_PORT: '9464',
      AUTH_JWKS_URL: 'https://login.example/jwks',
      AUTH_ISSUER: 'https://login.example/',
      AUTH_AUDIENCE: 'api://partner-graph',
      DASHBOARD_DIR: dir,
      DASHBOARD_OIDC_CLIENT_ID: 'partner-dashboard',
    });
    expect(devTokensEnabled(production)).toBe(false);
    expect(dashboardSignIn(production)).toEqual({
      mode: 'oidc',
      authority: 'https://login.example/',
      clientId: 'partner-dashboard',
      scope: 'openid profile email',
    });
  });

  it('needs an OpenID Connect client to serve the dashboard with an identity provider', () => {
    expect(() =>
      loadGatewayConfig({ AUTH_JWKS_URL: 'https://login.example/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', DASHBOARD_DIR: dir }),
    ).toThrow(/DASHBOARD_OIDC_CLIENT_ID/);
  });
});
