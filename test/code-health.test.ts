import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** `npm run <script>` at the repository's root: its exit code and what it printed. */
async function npmRun(script: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', script], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : 1, output: `${stdout ?? ''}${stderr ?? ''}` };
  }
}

// The checks `npm run lint` runs, in the suite so that CI and `npm test` run them too.
describe('code health', () => {
  it('no import cycle, type-only imports included (madge: npm run lint:cycles)', async () => {
    const result = await npmRun('lint:cycles');
    expect(result.output).toContain('No circular dependency found');
    expect(result).toMatchObject({ code: 0 });
  });

  it('every workspace declares what it imports and uses what it declares; no file or export is unused (knip: npm run lint:dependencies)', async () => {
    const result = await npmRun('lint:dependencies');
    expect(result).toEqual({ code: 0, output: '' });
  });

  it('no code copied above the threshold of .jscpd.json (jscpd: npm run lint:duplicates)', async () => {
    const result = await npmRun('lint:duplicates');
    expect(result.output).toContain('Found 0 clones');
    expect(result).toMatchObject({ code: 0 });
  });
});
