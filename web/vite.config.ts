import { copyFileSync } from 'node:fs';
import path from 'node:path';
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

// `npm start` has the gateway serve the built app; `npm run dev -w web` is Vite's dev server
// (hot reload) in front of a running gateway, on the same origin through its proxy.
export default defineConfig({
  plugins: [react(), persistedDocumentsManifest()],
  build: { sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: { '/graphql': GATEWAY, '/auth/config': GATEWAY, '/auth/dev-token': GATEWAY },
  },
});
