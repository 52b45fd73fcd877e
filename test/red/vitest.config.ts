import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// The suite's own configuration (global setup, PostgreSQL included) run over tests that fail
// on purpose: what `npm test` does when a real test fails or hangs.
export default defineConfig({ ...root, test: { ...root.test, include: ['test/red/*.fixture.ts'] } });
