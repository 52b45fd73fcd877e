import { defineConfig } from 'vitest/config';

// Unit and integration tests (`*.test.ts`) and end-to-end tests through the gateway
// (`*.e2e.ts`) share one PostgreSQL server, started once by the global setup.
export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts', 'test/**/*.e2e.ts', 'subgraphs/*/test/**/*.e2e.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
