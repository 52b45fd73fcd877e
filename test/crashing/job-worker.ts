// A subgraph's job queue in a process of its own, for the tests that kill it (SIGKILL) or stop it
// (SIGTERM) in the middle of a job: `node --import tsx test/crashing/job-worker.ts <database url> hang|work`.
// Each run is recorded in `job_run` (started, then finished), so a test sees which process ran
// what, and how many times. `hang`: every job works forever (a receiver that never answers);
// `work`: a job works its `ms` (100 by default).
import pg from 'pg';
import { createLogger, startJobQueue, type JobDefinition } from '@partner-graph/platform';

const [url, mode] = process.argv.slice(2);
const GRACE_MS = 2_000;
const db = new pg.Pool({ connectionString: url, max: 2 });

const work: JobDefinition['run'] = async (data) => {
  await db.query(`INSERT INTO job_run (n, pid, step) VALUES ($1, $2, 'started')`, [data.n, process.pid]);
  await new Promise((done) => (mode === 'hang' ? undefined : setTimeout(done, typeof data.ms === 'number' ? data.ms : 100)));
  await db.query(`INSERT INTO job_run (n, pid, step) VALUES ($1, $2, 'finished')`, [data.n, process.pid]);
};

const queue = await startJobQueue({
  url: url!,
  logger: createLogger('job-worker', 'silent'),
  pollingIntervalSeconds: 0.5,
  handlers: {
    // Like the event relay, a flow or an endpoint's deliveries: one waiting and one running per key.
    keyed: { policy: 'stately', retryDelaySeconds: 1, run: work },
    // Like the lifecycle and the notices: scheduled runs of a plain queue.
    plain: { retryDelaySeconds: 1, run: work },
  },
});
process.on('SIGTERM', () => {
  void queue.stop(GRACE_MS).then(async () => {
    await db.end();
    process.exit(0);
  });
});
process.send?.('ready');
