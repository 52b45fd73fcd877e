import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = import.meta.dirname;
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'];

/** Where the built page and its assets are; the gateway serves them outside production. */
export const EXPLORER_DIR = path.join(ROOT, 'dist');

function newest(file: string): number {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(file).reduce((latest, name) => Math.max(latest, newest(path.join(file, name))), stats.mtimeMs);
}

/**
 * Builds GraphiQL (Vite) into `dist/` unless it is newer than everything it is built from,
 * so `npm start` on a fresh clone has it and later starts cost nothing. Never committed.
 */
export async function ensureExplorerBuilt(log: (message: string) => void = () => {}): Promise<string> {
  const built = path.join(EXPLORER_DIR, 'index.html');
  const changed = SOURCES.reduce((latest, source) => Math.max(latest, newest(path.join(ROOT, source))), 0);
  if (existsSync(built) && statSync(built).mtimeMs >= changed) return EXPLORER_DIR;
  log('Building the GraphiQL explorer (packages/explorer/dist)…');
  // Built aside and swapped in, so a gateway (or a parallel build) never sees half a build.
  const run = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = path.join(ROOT, `.dist-${run}`);
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '--', '--outDir', staging], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', reject);
    child.on('exit', resolve);
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  });
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`The explorer build failed:\n${Buffer.concat(output).toString()}`);
  }
  const previous = path.join(ROOT, `.dist-old-${run}`);
  try {
    renameSync(EXPLORER_DIR, previous);
  } catch {
    // no previous build, or a parallel build is swapping its own in
  }
  try {
    renameSync(staging, EXPLORER_DIR);
  } catch {
    // a parallel build got there first with the same sources
  }
  rmSync(staging, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
  return EXPLORER_DIR;
}
