import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import PgBoss from 'pg-boss';
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
async function traced(queue: string, job: { id: string; data: Record<string, unknown> }, run: (data: Record<string, unknown>) => Promise<void>): Promise<void> {
  const { [TRACE_KEY]: carrier, ...data } = job.data ?? {};
  const links: Link[] = [];
  if (carrier && typeof carrier === 'object') {
    const origin = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (origin) links.push({ context: origin });
  }
  await tracer.startActiveSpan(
    `process ${queue}`,
    { kind: SpanKind.CONSUMER, root: true, links, attributes: { 'messaging.system': 'pg-boss', 'messaging.operation.type': 'process', 'messaging.destination.name': queue, 'messaging.message.id': job.id } },
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
  pollingIntervalSeconds?: number;
  /** First retry of a failed job (then doubling); 5 s by default. */
  retryDelaySeconds?: number;
}

export interface SendOptions {
  singletonKey?: string;
  startAfterSeconds?: number;
}

export interface JobQueue {
  /** Enqueues a job and wakes this process's workers of that queue. */
  send(queue: string, data: Record<string, unknown>, options?: SendOptions): Promise<string | null>;
  stop(): Promise<void>;
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
  started?.queue.send(queue, data, options).catch((error) => started.logger.warn({ err: error, queue }, 'could not send a job; the sweep will'));
}

function afterCommitSender(queue: JobQueue, logger: Logger): EntitySubscriberInterface {
  return {
    afterTransactionCommit({ queryRunner }) {
      if (queryRunner.isTransactionActive) return; // a savepoint released; the transaction goes on
      const sends = afterCommit.get(queryRunner);
      afterCommit.delete(queryRunner);
      for (const send of sends ?? []) {
        queue.send(send.queue, send.data, send.options).catch((error) => logger.warn({ err: error, queue: send.queue }, 'could not send a job; the sweep will'));
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
 */
export async function startJobQueue(options: {
  url: string;
  logger: Logger;
  handlers: Record<string, JobHandler | JobDefinition>;
  /** Cron schedules (UTC); pg-boss runs each once per tick across all replicas. */
  schedules?: { queue: string; cron: string; singletonKey?: string }[];
  pollingIntervalSeconds?: number;
  /** The subgraph's database: transactions on it can `sendAfterCommit`. */
  db?: DataSource;
}): Promise<JobQueue> {
  const boss = new PgBoss({ connectionString: options.url, schema: 'pgboss', max: 4 });
  boss.on('error', (error) => {
    // The database stopping (Ctrl-C on `npm start`, a failover) is not this service's fault.
    if (isDatabaseShutdown(error)) options.logger.info('job queue: the database is shutting down');
    else options.logger.error({ err: error }, 'job queue error');
  });
  await boss.start();
  const workers = new Map<string, string[]>();
  const queue: JobQueue = {
    send: async (name, data, sendOptions = {}) => {
      const id = await boss.send(name, withTraceContext(data), { singletonKey: sendOptions.singletonKey, startAfter: sendOptions.startAfterSeconds });
      // Due now: this process's workers fetch it at once rather than at their next poll.
      if (id && !sendOptions.startAfterSeconds) for (const worker of workers.get(name) ?? []) boss.notifyWorker(worker);
      return id;
    },
    stop: async () => {
      if (options.db) {
        queues.delete(options.db);
        options.db.subscribers.splice(options.db.subscribers.indexOf(subscriber), 1);
      }
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
  for (const [name, entry] of Object.entries(options.handlers)) {
    const definition = typeof entry === 'function' ? { run: entry } : entry;
    await boss.createQueue(name, { name, policy: definition.policy ?? 'standard', retryLimit: 10, retryDelay: definition.retryDelaySeconds ?? 5, retryBackoff: true });
    const ids: string[] = [];
    for (let i = 0; i < (definition.workers ?? 1); i++) {
      const pollingIntervalSeconds = definition.pollingIntervalSeconds ?? options.pollingIntervalSeconds ?? 2;
      ids.push(
        await boss.work<Record<string, unknown>>(name, { pollingIntervalSeconds }, async (jobs) => {
          for (const job of jobs) {
            try {
              await runAs('background', () => traced(name, job, (data) => definition.run(data, queue)));
            } catch (error) {
              options.logger.warn({ err: error, queue: name, jobId: job.id }, 'job failed; it will be retried');
              throw error;
            }
          }
        }),
      );
    }
    workers.set(name, ids);
  }
  for (const { queue, cron, singletonKey } of options.schedules ?? []) await boss.schedule(queue, cron, {}, { tz: 'UTC', singletonKey });
  const subscriber = afterCommitSender(queue, options.logger);
  if (options.db) {
    queues.set(options.db, { queue, logger: options.logger });
    options.db.subscribers.push(subscriber);
  }
  return queue;
}

/** PostgreSQL's admin_shutdown / crash_shutdown / cannot_connect_now. */
export function isDatabaseShutdown(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}
