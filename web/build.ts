import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'codegen.ts', 'package.json', '../schema/api.graphql'];

/** Where the built dashboard is, for the gateway (DASHBOARD_DIR, PERSISTED_DOCUMENTS_PATH). */
export const DASHBOARD = {
  dir: path.join(WEB, 'dist'),
  persistedDocuments: path.join(WEB, 'dist', 'persisted-documents.json'),
};

function newest(file: string): number {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(file)
    .filter((name) => name !== '__generated__')
    .reduce((latest, name) => Math.max(latest, newest(path.join(file, name))), stats.mtimeMs);
}

/**
 * Builds the dashboard (typed client and persisted documents from the schema, then Vite)
 * unless `web/dist` is newer than everything it is built from. Built assets are never committed.
 */
export async function ensureDashboardBuilt(log: (message: string) => void = () => {}): Promise<typeof DASHBOARD> {
  const built = path.join(DASHBOARD.dir, 'index.html');
  const sourcesChanged = SOURCES.map((source) => path.join(WEB, source)).reduce((latest, file) => Math.max(latest, newest(file)), 0);
  if (existsSync(built) && existsSync(DASHBOARD.persistedDocuments) && statSync(built).mtimeMs >= sourcesChanged) return DASHBOARD;
  log('Building the dashboard (web/dist)…');
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    // Always the production build, even from a test run (Vitest sets NODE_ENV=test, which Vite would honour).
    const child = spawn('npm', ['run', 'build'], {
      cwd: WEB,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.on('error', reject);
    child.on('exit', resolve);
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  });
  if (code !== 0) throw new Error(`The dashboard build failed:\n${Buffer.concat(output).toString()}`);
  return DASHBOARD;
}
