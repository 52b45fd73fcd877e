import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import pg from 'pg';
import { PgBoss, type ConstructorOptions } from 'pg-boss';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { Logger } from './logger.js';
import { runAs } from './work.js';

const tracer = trace.getTracer('@partner-graph/platform/jobs');
/** Where a job carries the trace context of the work that enqueued it (W3C `traceparent`). */
const TRACE_KEY = '_trace';

/**
 * A job runs later, maybe many times: it gets a trace of its own, linked to the request (or
 * job) that enqueued it, rather than stretching that request's trace over hours of retries.
 */
async function traced(
  queue: string,
  job: { id: string; data: Record<string, unknown> },
  run: (data: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const { [TRACE_KEY]: carrier, ...data } = job.data ?? {};
  const links: Link[] = [];
  if (carrier && typeof carrier === 'object') {
    const origin = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (origin) links.push({ context: origin });
  }
  await tracer.startActiveSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        'messaging.system': 'pg-boss',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.message.id': job.id,
      },
    },
    async (span) => {
      try {
        await run(data);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The job's data with the current trace context, when there is one to carry. */
function withTraceContext(data: Record<string, unknown>): Record<string, unknown> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? { ...data, [TRACE_KEY]: carrier } : data;
}

/** A job's work; `queue` is the queue it runs on, to send follow-up jobs. */
export type JobHandler = (data: Record<string, unknown>, queue: JobQueue) => Promise<void>;

/** A queue's handler and how its jobs run. */
export interface JobDefinition {
  run: JobHandler;
  /**
   * `stately`: per `singletonKey`, at most one job waiting and one running across all replicas
   * (a wake-up sent while one waits is dropped; one sent while one runs waits for it).
   */
  policy?: 'standard' | 'stately';
  /** How many of its jobs this process runs at once (one worker each); 1 by default. */
  workers?: number;
  /** First retry of a failed job (then doubling); 5 s by default. */
  retryDelaySeconds?: number;
  /**
   * The longest one run of the job may take while its process is alive (a process that died is
   * noticed by its missing heartbeat long before); 60 s by default. Sized to the work: a run
   * that outlives it is failed and retried.
   */
  expireInSeconds?: number;
}

/**
 * One background mechanism of a subgraph (its durable flows, the outbox relay, webhook delivery,
 * a purge, the lifecycle), as `startSubgraphWorkers` runs it on the subgraph's job queue.
 */
export interface JobBundle<Handler extends JobHandler | JobDefinition = JobHandler | JobDefinition> {
  /** Its queues, by name. */
  handlers: Record<string, Handler>;
  /** Cron schedules (UTC) of its queues; pg-boss runs each once per tick across all replicas. */
  schedules?: { queue: string; cron: string; singletonKey?: string }[];
  /** Once the queue has started: what an earlier run left due, woken at once rather than at the next sweep. */
  start?(queue: JobQueue): Promise<unknown>;
  /** Once the queue has stopped (its running jobs finished or handed back): what the bundle holds open. */
  stop?(): Promise<void>;
}

/**
 * Every running job's process refreshes its heartbeat every 5 s; a job whose heartbeat is this
 * old belongs to a dead process, and pg-boss's supervisor hands it back (retry). pg-boss's minimum.
 */
const HEARTBEAT_SECONDS = 10;
/**
 * pg-boss's supervisor pass (expired jobs, retention, its registry), on its own timer: every
 * 60 s, about 9 statements each. A job whose heartbeat stopped does not wait for it: the due
 * check sees it and asks the supervisor for that queue at once, which may then hand it back once
 * per `MONITOR_SECONDS`. So a dead process's job is handed back (retry) at most the heartbeat and
 * a due check after it died (25 s), and taken up again after its retry delay. At 15 s, the pass
 * alone was 37 of an idle subgraph's 60 statements a minute.
 */
const SUPERVISE_SECONDS = 60;
const MONITOR_SECONDS = 15;
/**
 * Workers are woken by PostgreSQL NOTIFY when a job is sent (from any replica). What NOTIFY does
 * not announce (a retry coming due, a dead process's job handed back, a lost notification) is
 * found by one statement per process for all its queues (`DueJobs`), not by one poll per worker:
 * an idle partner subgraph made 148 of its 207 statements a minute in its 12 workers' polls.
 */
const DUE_CHECK_SECONDS = 15;
/** pg-boss's own poll per worker: only the last resort, should the due check ever stop. */
const WORKER_POLL_SECONDS = 300;

/**
 * When this process's queues have jobs due: every `everySeconds` it asks the database once, wakes
 * the workers of each queue with a due job, and sets a timer for a job coming due before the next
 * look (a retry's backoff, a delayed send), so a retry runs at its time, not up to a poll later.
 */
class DueJobs {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private next?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private checking = false;
  private handingBack = false;
  private stopped = false;

  constructor(
    private readonly boss: PgBoss,
    private readonly workers: Map<string, string[]>,
    private readonly everySeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule();
  }

  /** Wakes `queue`'s workers in this process, now or in `seconds`. */
  wake(queue: string, seconds = 0): void {
    if (this.stopped) return;
    if (seconds <= 0) {
      for (const worker of this.workers.get(queue) ?? []) this.boss.notifyWorker(worker);
      return;
    }
    // Past the next look, the look sets the timer.
    if (seconds > this.everySeconds) return;
    const at = Date.now() + seconds * 1000;
    const known = this.timers.get(queue);
    if (known && known.at <= at) return;
    if (known) clearTimeout(known.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(queue);
        this.wake(queue);
      },
      seconds * 1000 + 50,
    );
    timer.unref();
    this.timers.set(queue, { at, timer });
  }

  /** Looks again shortly: a job of this process just failed, and its retry comes due in a while. */
  checkSoon(): void {
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.check();
    }, 500);
    this.soon.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.next);
    clearTimeout(this.soon);
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.next = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.everySeconds * 1000);
    this.next.unref();
  }

  private async check(): Promise<void> {
    if (this.stopped || this.checking) return;
    this.checking = true;
    try {
      // Also whether a running job's heartbeat stopped (its process died): pg-boss's supervisor is
      // then asked at once for that queue instead of at its next pass (every SUPERVISE_SECONDS).
      const { rows } = await this.boss.getDb().executeSql(
        `SELECT name,
                extract(epoch FROM min(start_after) FILTER (WHERE state < 'active') - now())::float AS in_seconds,
                bool_or(state = 'active' AND heartbeat_on + heartbeat_seconds * interval '1s' < now()) AS stale
           FROM ${SCHEMA}.job
          WHERE name = ANY($1) AND ((state < 'active' AND NOT blocked) OR state = 'active') GROUP BY name`,
        [[...this.workers.keys()]],
      );
      const due = rows as { name: string; in_seconds: number | null; stale: boolean }[];
      for (const { name, in_seconds } of due) if (in_seconds !== null) this.wake(name, in_seconds);
      const stale = due.filter((queue) => queue.stale).map((queue) => queue.name);
      if (stale.length > 0) void this.handBack(stale);
    } catch (error) {
      if (!isDatabaseShutdown(error)) this.logger.warn({ err: error }, 'job queue: could not look for due jobs; looking again later');
    } finally {
      this.checking = false;
    }
  }

  /**
   * Asks pg-boss's supervisor to hand back the stale jobs of `queues`, then looks again for them
   * (due after their retry delay). Not awaited by the look: the supervisor waits for its own
   * pass in flight, and the other queues' due jobs are not to wait for it.
   */
  private async handBack(queues: string[]): Promise<void> {
    if (this.handingBack) return;
    this.handingBack = true;
    try {
      for (const name of queues) await this.boss.supervise(name);
    } catch (error) {
      if (!isDatabaseShutdown(error))
        this.logger.warn({ err: error }, "job queue: could not hand back a stopped process's jobs; trying again later");
    } finally {
      this.handingBack = false;
    }
    this.checkSoon();
  }
}

export interface SendOptions {
  singletonKey?: string;
  startAfterSeconds?: number;
}

export interface JobQueue {
  /** Enqueues a job and wakes this process's workers of that queue. */
  send(queue: string, data: Record<string, unknown>, options?: SendOptions): Promise<string | null>;
  /** Stops the workers: running jobs finish within `graceMs` (10 s by default), the rest are handed back. */
  stop(graceMs?: number): Promise<void>;
}

/** The job queue started on each database in this process, for `sendAfterCommit`. */
const queues = new WeakMap<DataSource, { queue: JobQueue; logger: Logger }>();
/** Sends a transaction asked for, made once it commits. */
const afterCommit = new WeakMap<QueryRunner, { queue: string; data: Record<string, unknown>; options?: SendOptions }[]>();

/**
 * Sends a job once the caller's transaction commits (nothing if it rolls back), from this
 * process if it runs the database's job queue. Only for wake-ups: the rows the transaction
 * wrote are the durable state, and a scheduled sweep finds what a lost wake-up left.
 */
export function sendAfterCommit(manager: EntityManager, queue: string, data: Record<string, unknown>, options?: SendOptions): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    const sends = afterCommit.get(runner) ?? [];
    sends.push({ queue, data, options });
    afterCommit.set(runner, sends);
    return;
  }
  const started = queues.get(manager.connection);
  started?.queue
    .send(queue, data, options)
    .catch((error) => started.logger.warn({ err: error, queue }, 'could not send a job; the sweep will'));
}

function afterCommitSender(queue: JobQueue, logger: Logger): EntitySubscriberInterface {
  return {
    afterTransactionCommit({ queryRunner }) {
      if (queryRunner.isTransactionActive) return; // a savepoint released; the transaction goes on
      const sends = afterCommit.get(queryRunner);
      afterCommit.delete(queryRunner);
      for (const send of sends ?? []) {
        queue
          .send(send.queue, send.data, send.options)
          .catch((error) => logger.warn({ err: error, queue: send.queue }, 'could not send a job; the sweep will'));
      }
    },
    afterTransactionRollback({ queryRunner }) {
      if (!queryRunner.isTransactionActive) afterCommit.delete(queryRunner);
    },
  };
}

/**
 * The Postgres-backed job queue and scheduler (pg-boss), in the subgraph's own database
 * (schema `pgboss`). Jobs retry with backoff; handlers must be idempotent, since a job can
 * run again after a crash. Several replicas share the queue safely (SKIP LOCKED).
 *
 * Nothing a dead process held blocks the queue for long: each running job carries a heartbeat,
 * and the supervisor retries a job whose heartbeat stopped (see `HEARTBEAT_SECONDS`); a
 * `stately` queue skips a key whose job is still active, so one stale key never holds the others.
 * `stop` lets running jobs finish within its grace and hands the others back (retry), so a
 * stopped process never leaves a job `active`.
 */
export async function startJobQueue(options: {
  url: string;
  logger: Logger;
  handlers: Record<string, JobHandler | JobDefinition>;
  /** Cron schedules (UTC); pg-boss runs each once per tick across all replicas. */
  schedules?: { queue: string; cron: string; singletonKey?: string }[];
  /** How often this process looks for due jobs NOTIFY did not announce (`DUE_CHECK_SECONDS`; tests shorten it). */
  pollingIntervalSeconds?: number;
  /** The subgraph's database: transactions on it can `sendAfterCommit`. */
  db?: DataSource;
  /** Connections besides the LISTEN one (4 when absent). */
  connections?: number;
}): Promise<JobQueue> {
  await replacePgBoss10Schema(options.url, options.logger);
  const bossOptions: ConstructorOptions & pg.PoolConfig = {
    connectionString: options.url,
    schema: SCHEMA,
    // Polls, heartbeats and the supervisor share these; idle ones stay open (no new connection per
    // poll after an idle spell): pg's default closes a connection idle for 10 s.
    max: options.connections ?? 4,
    idleTimeoutMillis: 0,
    useListenNotify: true,
    superviseIntervalSeconds: SUPERVISE_SECONDS,
    monitorIntervalSeconds: MONITOR_SECONDS,
    // Cron ticks are minutes: looking every 15 s is soon enough, and 4 statements a minute, not 12.
    cronWorkerIntervalSeconds: 15,
    // Vacuum is PostgreSQL's and the operator's (autovacuum): pg-boss's check of it cost 2
    // statements per supervisor pass.
    monitorVacuum: false,
    instanceHeartbeatSeconds: 60,
    // pg-boss's job dependencies (flows) and background schema migrations: unused, or rare, here.
    flowIntervalSeconds: 300,
    bamIntervalSeconds: 300,
    notifyHeartbeatIntervalMs: 30_000,
    // Our jobs carry their own trace context (`traced`); no second span per job.
    openTelemetry: { enabled: false },
  };
  const boss = new PgBoss(bossOptions);
  boss.on('error', (error) => {
    // The database stopping (Ctrl-C on `npm start`, a failover) is not this service's fault.
    if (isDatabaseShutdown(error)) options.logger.info('job queue: the database is shutting down');
    else options.logger.error({ err: error }, 'job queue error');
  });
  boss.on('warning', (warning) => options.logger.warn({ warning }, 'job queue warning'));
  await boss.start();
  const workers = new Map<string, string[]>();
  const due = new DueJobs(boss, workers, options.pollingIntervalSeconds ?? DUE_CHECK_SECONDS, options.logger);
  const queue: JobQueue = {
    send: async (name, data, sendOptions = {}) => {
      const id = await boss.send(name, withTraceContext(data), {
        singletonKey: sendOptions.singletonKey,
        startAfter: sendOptions.startAfterSeconds,
      });
      // This process's workers fetch it when due rather than at the next look (NOTIFY wakes the others').
      if (id) due.wake(name, sendOptions.startAfterSeconds ?? 0);
      return id;
    },
    stop: async (graceMs = 10_000) => {
      if (options.db) {
        queues.delete(options.db);
        options.db.subscribers.splice(options.db.subscribers.indexOf(subscriber), 1);
      }
      due.stop();
      // Running jobs finish within the grace; what is still running then is failed, so retried.
      await boss.stop({ graceful: true, timeout: graceMs });
    },
  };
  for (const [name, entry] of Object.entries(options.handlers)) {
    const definition = typeof entry === 'function' ? { run: entry } : entry;
    const settings = {
      retryLimit: 10,
      retryDelay: definition.retryDelaySeconds ?? 5,
      retryBackoff: true,
      expireInSeconds: definition.expireInSeconds ?? 60,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      notify: true,
    };
    await boss.createQueue(name, { policy: definition.policy ?? 'standard', ...settings });
    // A queue made by an earlier version keeps its policy but takes today's settings.
    await boss.updateQueue(name, settings);
    const ids: string[] = [];
    for (let i = 0; i < (definition.workers ?? 1); i++) {
      ids.push(
        await boss.work<Record<string, unknown>>(
          name,
          { pollingIntervalSeconds: WORKER_POLL_SECONDS, notifyPollingIntervalSeconds: WORKER_POLL_SECONDS },
          async (jobs) => {
            for (const job of jobs) {
              try {
                await runAs('background', () => traced(name, job, (data) => definition.run(data, queue)));
              } catch (error) {
                options.logger.warn({ err: error, queue: name, jobId: job.id }, 'job failed; it will be retried');
                due.checkSoon();
                throw error;
              }
            }
          },
        ),
      );
    }
    workers.set(name, ids);
  }
  due.start();
  for (const { queue, cron, singletonKey } of options.schedules ?? []) await boss.schedule(queue, cron, {}, { tz: 'UTC', singletonKey });
  const subscriber = afterCommitSender(queue, options.logger);
  if (options.db) {
    queues.set(options.db, { queue, logger: options.logger });
    options.db.subscribers.push(subscriber);
  }
  return queue;
}

const SCHEMA = 'pgboss';
/** The schema version pg-boss 11 starts from: it has no migration from pg-boss 10's (24). */
const FIRST_MIGRATABLE_VERSION = 25;

/**
 * pg-boss 11 and later cannot migrate pg-boss 10's schema; this drops it (once, under a lock the
 * replicas share) so pg-boss installs its current one. Only wake-ups are lost: the rows (flows,
 * outbox, deliveries) are the durable state, and each mechanism's start and sweep send them again.
 */
async function replacePgBoss10Schema(url: string, logger: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pgboss-10-schema'))`);
    const [table] = (await client.query(`SELECT to_regclass($1) AS name`, [`${SCHEMA}.version`])).rows as { name: string | null }[];
    const version = table?.name ? Number((await client.query(`SELECT version FROM ${SCHEMA}.version`)).rows[0]?.version) : null;
    if (version !== null && version < FIRST_MIGRATABLE_VERSION) {
      await client.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
      logger.warn(
        { version },
        "job queue: replaced the pg-boss 10 schema (its wake-ups are sent again by each mechanism's start and sweep)",
      );
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** PostgreSQL's admin_shutdown / crash_shutdown / cannot_connect_now. */
export function isDatabaseShutdown(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}
