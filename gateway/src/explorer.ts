import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Everything the page may load comes from this gateway: a browser enforces what the bundle
 * promises (no CDN, no request leaving the machine). Monaco runs its language workers from
 * blob: URLs and GraphiQL styles some elements inline.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL with the schema explorer (packages/explorer, built by `npm start`) for a browser
 * opening the API's URL: a GET that prefers HTML gets the page, everything else is GraphQL.
 * Development only: `createGateway` never mounts it in production.
 */
export function mountExplorer(app: Express, dir: string): void {
  app.use('/explorer', express.static(dir, { index: false, immutable: true, maxAge: '1y' }));
  app.get('/graphql', (req, res, next) => {
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    const page = path.join(dir, 'index.html');
    if (!existsSync(page)) {
      res
        .status(503)
        .type('text/plain')
        .send('The explorer is not built: run `npm run build -w @partner-graph/explorer` (npm start does).');
      return;
    }
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  });
}
