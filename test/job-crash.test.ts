import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrlFor, dropDatabase, ensureDatabase } from '@partner-graph/platform';
import './provided-context.js';

// Every queue-driven mechanism (flows, the event relay, webhook delivery, the lifecycle, the
// notices) runs on the platform's job queue; these tests kill or stop its process in the middle
// of a job, as a crash or a deploy does, and restart it. Nothing may stay `active` from the dead
// process, and the queue moves again within a minute: the stately queues (relay, flows,
// deliveries: one running per key) as well as the plain ones (lifecycle, notices).
const WORKER = path.join(import.meta.dirname, 'crashing', 'job-worker.ts');
const databaseUrl = databaseUrlFor(inject('databaseServerUrl'), `job_crash_${randomBytes(4).toString('hex')}`);
let db: pg.Pool;
let boss: PgBoss;
const children: ChildProcess[] = [];

/** A worker process; resolves once its queue is started. */
async function startWorker(mode: 'hang' | 'work'): Promise<ChildProcess> {
  const child = fork(WORKER, [databaseUrl, mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started`)));
  });
  return child;
}

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const runs = async (n: number) =>
  (await db.query(`SELECT pid, step FROM job_run WHERE n = $1 ORDER BY at`, [n])).rows as { pid: number; step: 'started' | 'finished' }[];

/** pg-boss's rows of these jobs that are still running. */
const activeJobs = async (ns: number[]) =>
  (
    await db.query(
      `SELECT name, data->>'n' AS n FROM pgboss.job WHERE name IN ('keyed', 'plain') AND (data->>'n')::int = ANY($1) AND state = 'active'`,
      [ns],
    )
  ).rows;

beforeAll(async () => {
  await ensureDatabase(databaseUrl);
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await db.query(
    `CREATE TABLE job_run (n int NOT NULL, pid int NOT NULL, step text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  // The test sends as another process (a request of a replica) does: through the database.
  const starter = await startWorker('work');
  starter.kill('SIGTERM');
  await exitOf(starter);
  boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
}, 120_000);
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await db?.end();
  await dropDatabase(databaseUrl);
});

describe('a job queue whose process dies mid-job', () => {
  it('after kill -9 and a restart, the dead process’s jobs are taken up once and each queue moves within a minute', async () => {
    // Its runs hang, as on a receiver that never answers or a service that does not respond.
    const dead = await startWorker('hang');
    await boss.send('keyed', { n: 1 }, { singletonKey: 'endpoint-1' });
    await boss.send('plain', { n: 2 }, {});
    await expect.poll(async () => (await runs(1)).length + (await runs(2)).length, { timeout: 30_000, interval: 200 }).toBe(2);
    dead.kill('SIGKILL');
    await exitOf(dead);
    expect(await activeJobs([1, 2])).toHaveLength(2);

    const restarted = await startWorker('work');
    const restartedAt = Date.now();
    // The next wake-ups of the same key and queue, sent as the restarted service does at start.
    await boss.send('keyed', { n: 3, ms: 100 }, { singletonKey: 'endpoint-1' });
    await boss.send('plain', { n: 4, ms: 100 }, {});
    await expect
      .poll(
        async () =>
          (await Promise.all([1, 2, 3, 4].map(async (n) => (await runs(n)).filter((run) => run.step === 'finished').length))).join(','),
        {
          timeout: 60_000,
          interval: 500,
        },
      )
      .toBe('1,1,1,1');
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    // The dead process's jobs ran again exactly once, in the restarted process.
    for (const n of [1, 2])
      expect(await runs(n)).toEqual([
        { pid: dead.pid, step: 'started' },
        { pid: restarted.pid, step: 'started' },
        { pid: restarted.pid, step: 'finished' },
      ]);
    expect(await activeJobs([1, 2, 3, 4])).toEqual([]);
    // Starting a worker process takes most of the time on a loaded machine.
  }, 300_000);

  it('on SIGTERM, a job that finishes within the grace completes, a longer one is handed back (never left active), and the process exits 0', async () => {
    const stopping = await startWorker('work');
    await boss.send('keyed', { n: 5, ms: 500 }, { singletonKey: 'endpoint-5' });
    await boss.send('plain', { n: 6, ms: 600_000 }, {});
    await expect.poll(async () => (await runs(5)).length + (await runs(6)).length, { timeout: 30_000, interval: 200 }).toBe(2);
    stopping.kill('SIGTERM');
    expect(await exitOf(stopping)).toEqual({ code: 0, signal: null });
    expect((await runs(5)).map((run) => run.step)).toEqual(['started', 'finished']);
    expect(await activeJobs([5, 6])).toEqual([]);
    const [handedBack] = (await db.query(`SELECT state FROM pgboss.job WHERE name = 'plain' AND data->>'n' = '6'`)).rows;
    expect(handedBack).toEqual({ state: 'retry' });

    await db.query(`UPDATE pgboss.job SET data = data || '{"ms": 100}' WHERE name = 'plain' AND data->>'n' = '6'`);
    const next = await startWorker('work');
    await expect
      .poll(async () => (await runs(6)).map((run) => `${run.pid === next.pid ? 'next' : 'stopped'} ${run.step}`), {
        timeout: 60_000,
        interval: 500,
      })
      .toEqual(['stopped started', 'next started', 'next finished']);
  }, 300_000);
});
