import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Unit and integration tests (`*.test.ts`) and end-to-end tests through the gateway
// (`*.e2e.ts`) share one PostgreSQL server, started once by the global setup.
export default defineConfig({
  resolve: {
    // One graphql-js for all: Node loads graphql's CommonJS build for the Apollo packages, so
    // the code Vite transforms must use the same copy (graphql refuses mixed realms).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/test/**/*.test.ts', 'test/**/*.e2e.ts', 'subgraphs/*/test/**/*.e2e.ts', 'web/test/**/*.e2e.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/global-setup.ts', 'web/test/global-setup.ts'],
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
    pool: 'forks',
    maxWorkers: 2,
    // Test files share a worker's module graph: no file relies on module state of its own, and
    // importing Apollo, TypeORM and pg-boss once per worker instead of once per file saves a
    // third of the run.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
