import { defineConfig } from 'vitest/config';
import root, { project } from '../../vitest.config.js';

// The suite's own configuration (global setup, PostgreSQL included) run over tests that fail
// on purpose: what `npm test` does when a real test fails or hangs.
export default defineConfig({ ...root, test: { ...root.test, projects: [project('red', ['test/red/*.fixture.ts'])] } });
