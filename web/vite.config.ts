import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from '@formatjs/icu-messageformat-parser';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const GATEWAY = process.env.GATEWAY_ORIGIN ?? 'http://localhost:4000';

/** The build ships the persisted-documents manifest beside the app, for the gateway to load. */
function persistedDocumentsManifest(): Plugin {
  let outDir = 'dist';
  return {
    name: 'persisted-documents-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      copyFileSync(
        path.resolve(import.meta.dirname, 'src/__generated__/persisted-documents.json'),
        path.join(outDir, 'persisted-documents.json'),
      );
    },
  };
}

/**
 * The message catalogues (`src/i18n/messages/*.json`) reach the browser already parsed (ICU
 * MessageFormat ASTs, as `formatjs compile --ast` makes them), so react-intl's message parser
 * is left out of the bundle: its no-parser entry takes its place. `<b>…</b>` is markup (`rich`);
 * any other `<…>` is text (`<prefix>.onmicrosoft.com`), as `t` reads it with `ignoreTag`.
 */
function precompiledMessages(): Plugin {
  const noParser = createRequire(import.meta.url).resolve('@formatjs/icu-messageformat-parser/no-parser.js');
  return {
    name: 'precompiled-messages',
    enforce: 'pre',
    config: () => ({ resolve: { alias: [{ find: /^@formatjs\/icu-messageformat-parser$/, replacement: noParser }] } }),
    transform(source, id) {
      if (!/\/src\/i18n\/messages\/[a-z]+\.json$/.test(id)) return null;
      const messages = JSON.parse(source) as Record<string, string>;
      const compiled = Object.fromEntries(
        Object.entries(messages).map(([key, message]) => [key, parse(message, { ignoreTag: !message.includes('<b>') })]),
      );
      return { code: JSON.stringify(compiled), map: null };
    },
  };
}

// `npm start` has the gateway serve the built app; `npm run dev -w web` is Vite's dev server
// (hot reload) in front of a running gateway, on the same origin through its proxy.
export default defineConfig({
  plugins: [precompiledMessages(), react(), persistedDocumentsManifest()],
  // The manifest names each module's chunk (web/first-load.ts finds the catalogues' there).
  build: { sourcemap: true, chunkSizeWarningLimit: 1500, manifest: true },
  server: {
    proxy: { '/graphql': GATEWAY, '/auth/config': GATEWAY, '/auth/dev-token': GATEWAY },
  },
});
