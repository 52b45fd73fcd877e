import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { DEMO, signDevToken, type GatewayConfig } from '@partner-graph/platform';

/** What the dashboard needs to sign its user in, read at run time so one build serves every environment. */
export type DashboardSignIn =
  { mode: 'development'; demoUsers: string[] } | { mode: 'oidc'; authority: string; clientId: string; scope: string };

const DEMO_EMAILS: string[] = Object.values(DEMO.users).map((user) => user.email);

/** Development tokens exist only outside production, and only where the gateway itself signs them (HS256). */
export function devTokensEnabled(config: GatewayConfig): boolean {
  return config.NODE_ENV !== 'production' && config.auth.mode === 'hs256';
}

export function dashboardSignIn(config: GatewayConfig): DashboardSignIn | null {
  if (devTokensEnabled(config)) return { mode: 'development', demoUsers: DEMO_EMAILS };
  if (config.auth.mode === 'jwks' && config.DASHBOARD_OIDC_CLIENT_ID) {
    return { mode: 'oidc', authority: config.auth.issuer, clientId: config.DASHBOARD_OIDC_CLIENT_ID, scope: config.DASHBOARD_OIDC_SCOPE };
  }
  return null;
}

/** The served dashboard's own persisted-documents manifest: its documents are always accepted. */
export function dashboardManifest(config: GatewayConfig): string | null {
  if (!config.DASHBOARD_DIR) return null;
  const manifest = path.resolve(config.DASHBOARD_DIR, 'persisted-documents.json');
  return existsSync(manifest) ? manifest : null;
}

/**
 * The partner dashboard on the API's own origin: its sign-in settings, the development token
 * endpoint (not in production), and the built single-page app with its client-side routes
 * (`/customers/…`, and the customer-facing `/accept/…` links the API hands out).
 */
export function mountDashboard(app: Express, config: GatewayConfig): void {
  const signIn = dashboardSignIn(config);
  app.get('/auth/config', (_req, res) => {
    if (!signIn) return res.status(404).json({ error: 'The dashboard has no sign-in configured' });
    res.setHeader('cache-control', 'no-store');
    res.json(signIn);
  });
  if (devTokensEnabled(config) && config.auth.mode === 'hs256') {
    const auth = config.auth;
    // The demo identity provider's subject is the user's email (see the partner seed).
    app.post('/auth/dev-token', express.json({ limit: '4kb' }), async (req, res) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.toLowerCase() : '';
      if (!DEMO_EMAILS.includes(email)) return res.status(400).json({ error: 'Not a demo user' });
      const token = await signDevToken(email, { secret: auth.secret, issuer: auth.issuer, audience: auth.audience, ttlSeconds: 8 * 3600 });
      res.setHeader('cache-control', 'no-store');
      res.json({ token });
    });
  }

  if (!config.DASHBOARD_DIR) return;
  const root = path.resolve(config.DASHBOARD_DIR);
  const index = path.join(root, 'index.html');
  // The app's own scripts only; it talks to this origin and, for OpenID Connect, the issuer.
  // Styles allow inline: Mantine sets its theme variables in a <style> element.
  const connect = ["'self'", ...(signIn?.mode === 'oidc' ? [new URL(signIn.authority).origin] : [])].join(' ');
  const contentSecurityPolicy = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'`;
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', contentSecurityPolicy);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // Hashed file names: cached for good; index.html is always revalidated.
  app.use('/assets', express.static(path.join(root, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(root, { index: false, maxAge: 0 }));
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html')) return next();
    if (!existsSync(index)) return res.status(503).type('text').send('The dashboard is not built: npm run build -w web');
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
