import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the gateway: the page at /graphql (for a browser), its assets under /explorer/.
export default defineConfig({
  base: '/explorer/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco is large; this page is a development tool, loaded once.
    chunkSizeWarningLimit: 8_000,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's React-compiler output marks modules "use no memo"; bundling drops that on purpose.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
