import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

// CI is worth something only if red is possible: the runner, with the suite's configuration and
// its PostgreSQL (embedded, or DATABASE_URL), must exit non-zero when a test fails or times out.
test('a failing or timed-out test makes the run exit non-zero', async () => {
  const child = spawn(process.execPath, [vitest, 'run', '--config', 'test/red/vitest.config.ts', '--reporter', 'dot'], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(output).toMatch(/Tests\s+2 failed/);
  expect(code).toBe(1);
}, 120_000);
