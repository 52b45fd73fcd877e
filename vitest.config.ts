import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// One graphql-js for all: Node loads graphql's CommonJS build for the Apollo packages, so the code
// Vite transforms must use the same copy (graphql refuses mixed realms).
const resolve = { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] };

// Unit and integration tests (`*.test.ts`) and end-to-end tests through the gateway (`*.e2e.ts`)
// are two projects: `npm run test:unit` and `npm run test:e2e` run one, `npm test` both. They share
// one PostgreSQL server, started once for the run by the root's global setup.
export const project = (name: string, include: string[], more: { exclude?: string[]; groupOrder?: number } = {}) => ({
  resolve,
  test: {
    name,
    include,
    exclude: ['**/node_modules/**', ...(more.exclude ?? [])],
    sequence: { groupOrder: more.groupOrder ?? 0 },
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
    pool: 'forks' as const,
    // Test files share a worker's module graph: no file relies on module state of its own, and
    // importing Apollo, TypeORM and pg-boss once per worker instead of once per file saves a
    // third of the run.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});

const REPLICAS = 'test/replicas.e2e.ts';

export default defineConfig({
  resolve,
  test: {
    globalSetup: ['test/global-setup.ts', 'web/test/global-setup.ts'],
    maxWorkers: 2,
    projects: [
      project('unit', ['**/test/**/*.test.ts']),
      project('e2e', ['test/**/*.e2e.ts', 'subgraphs/*/test/**/*.e2e.ts', 'web/test/**/*.e2e.ts'], { exclude: [REPLICAS] }),
      // Twelve processes on one PostgreSQL: alone, after the rest, so that no other file's stack
      // shares the server's connections (the machine's PostgreSQL allows 100) or the CPU.
      project('e2e-replicas', [REPLICAS], { groupOrder: 1 }),
    ],
  },
});
