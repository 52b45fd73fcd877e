import { randomBytes } from 'node:crypto';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/provided-context.js';
import { DataSource } from 'typeorm';
import { createLogger, databaseUrlFor, dropDatabase, ensureDatabase, sendAfterCommit, startJobQueue, type JobQueue } from '../src/index.js';

// A job is a span of its own (a consumer span linked to the work that enqueued it), in a real
// pg-boss queue; the SDK is registered here as the telemetry preload does in a service.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const databaseUrl = databaseUrlFor(inject('databaseServerUrl'), `jobs_${randomBytes(4).toString('hex')}`);
const received: { data: Record<string, unknown>; traceId: string | undefined; attempt: number }[] = [];
let queue: JobQueue;
let db: DataSource;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  await ensureDatabase(databaseUrl);
  db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  queue = await startJobQueue({
    url: databaseUrl,
    db,
    logger: createLogger('jobs-test', 'silent'),
    // Longer than any wait below: what runs here runs because it was announced or timed, not found
    // by the periodic look.
    pollingIntervalSeconds: 120,
    handlers: {
      provision: {
        run: async (data) => {
          received.push({ data, traceId: trace.getActiveSpan()?.spanContext().traceId, attempt: received.length + 1 });
          if (data.failOnce && received.length === 1) throw new Error('tenant service unavailable');
        },
        // The retry within a second, not the production 5 s.
        retryDelaySeconds: 1,
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await queue?.stop();
  await db?.destroy();
  await dropDatabase(databaseUrl);
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('job spans', () => {
  it('runs each job in a consumer span linked to the request that enqueued it, with the data as sent', async () => {
    const request = provider.getTracer('test').startSpan('POST /graphql');
    const requestContext = request.spanContext();
    await context.with(trace.setSpan(context.active(), request), () => queue.send('provision', { customerId: 'c-1', failOnce: true }));
    request.end();

    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
    // The handler sees exactly the data it was given: the carried trace context is taken off.
    expect(received[0]!.data).toEqual({ customerId: 'c-1', failOnce: true });
    // Each run (the retry too) is its own trace, not stretched over the request's.
    expect(received[0]!.traceId).toBeDefined();
    expect(received[0]!.traceId).not.toBe(requestContext.traceId);
    expect(received[1]!.traceId).not.toBe(received[0]!.traceId);

    const runs = exporter.getFinishedSpans().filter((span) => span.name === 'process provision');
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.kind).toBe(SpanKind.CONSUMER);
      expect(run.attributes).toMatchObject({ 'messaging.system': 'pg-boss', 'messaging.destination.name': 'provision' });
      expect(run.links.map((link) => link.context.spanId)).toEqual([requestContext.spanId]);
    }
    expect(runs.map((run) => run.status.code)).toEqual(expect.arrayContaining([2, 0]));
  });
});

describe('jobs sent after commit', () => {
  it('are sent once the transaction commits, and never when it rolls back', async () => {
    const sent = (customerId: string) =>
      db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'provision' AND data->>'customerId' = $1`, [customerId]);
    await db.transaction(async (manager) => {
      sendAfterCommit(manager, 'provision', { customerId: 'committed' });
      // Not before the commit: a worker would otherwise see work whose rows are not there yet.
      expect(await sent('committed')).toEqual([{ n: 0 }]);
    });
    await expect(
      db.transaction(async (manager) => {
        sendAfterCommit(manager, 'provision', { customerId: 'rolled-back' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await expect.poll(() => received.some((job) => job.data.customerId === 'committed'), { timeout: 30_000 }).toBe(true);
    expect(await sent('committed')).toEqual([{ n: 1 }]);
    expect(await sent('rolled-back')).toEqual([{ n: 0 }]);
  });
});

describe('due jobs', () => {
  it('a job another process sends runs at once: NOTIFY wakes this one', async () => {
    const other = await startJobQueue({ url: databaseUrl, logger: createLogger('jobs-test', 'silent'), handlers: {} });
    try {
      const sentAt = Date.now();
      await other.send('provision', { customerId: 'from-another-process' });
      await expect.poll(() => received.some((job) => job.data.customerId === 'from-another-process'), { timeout: 20_000 }).toBe(true);
      expect(Date.now() - sentAt).toBeLessThan(20_000);
    } finally {
      await other.stop();
    }
  });

  it('a job sent for later runs when due, not at the next look', async () => {
    const sentAt = Date.now();
    await queue.send('provision', { customerId: 'later' }, { startAfterSeconds: 2 });
    await expect.poll(() => received.some((job) => job.data.customerId === 'later'), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_900);
  });
});
