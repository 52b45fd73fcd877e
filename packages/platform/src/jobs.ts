import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import PgBoss from 'pg-boss';
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

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

export interface JobQueue {
  /** Enqueues a job; with `singletonKey`, a second one with the same key is not added while one waits. */
  send(queue: string, data: Record<string, unknown>, options?: { singletonKey?: string; startAfterSeconds?: number }): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * The Postgres-backed job queue and scheduler (pg-boss), in the subgraph's own database
 * (schema `pgboss`). Jobs retry with backoff; handlers must be idempotent, since a job can
 * run again after a crash. Several replicas share the queue safely (SKIP LOCKED).
 */
export async function startJobQueue(options: {
  url: string;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** Cron schedules (UTC); pg-boss runs each once per tick across all replicas. */
  schedules?: { queue: string; cron: string }[];
  pollingIntervalSeconds?: number;
}): Promise<JobQueue> {
  const boss = new PgBoss({ connectionString: options.url, schema: 'pgboss', max: 4 });
  boss.on('error', (error) => {
    // The database stopping (Ctrl-C on `npm start`, a failover) is not this service's fault.
    if (isDatabaseShutdown(error)) options.logger.info('job queue: the database is shutting down');
    else options.logger.error({ err: error }, 'job queue error');
  });
  await boss.start();
  for (const [queue, handler] of Object.entries(options.handlers)) {
    await boss.createQueue(queue, { name: queue, retryLimit: 10, retryDelay: 5, retryBackoff: true });
    await boss.work<Record<string, unknown>>(queue, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (jobs) => {
      for (const job of jobs) {
        try {
          await runAs('background', () => traced(queue, job, handler));
        } catch (error) {
          options.logger.warn({ err: error, queue, jobId: job.id }, 'job failed; it will be retried');
          throw error;
        }
      }
    });
  }
  for (const { queue, cron } of options.schedules ?? []) await boss.schedule(queue, cron, {}, { tz: 'UTC' });
  return {
    send: (queue, data, sendOptions = {}) =>
      boss.send(queue, withTraceContext(data), { singletonKey: sendOptions.singletonKey, startAfter: sendOptions.startAfterSeconds, retryLimit: 10, retryBackoff: true }),
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}

/** PostgreSQL's admin_shutdown / crash_shutdown / cannot_connect_now. */
export function isDatabaseShutdown(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}
