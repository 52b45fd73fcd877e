import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import '../../../test/provided-context.js';
import { DataSource } from 'typeorm';
import {
  createFlowTable,
  createLogger,
  databaseUrlFor,
  dropDatabase,
  ensureDatabase,
  FlowEntity,
  FlowFailed,
  Flows,
  startJobQueue,
  systemClock,
  type FlowDefinition,
  type JobQueue,
} from '../src/index.js';

// The flow helper on a real database and a real pg-boss queue: what a step records is never run
// again, a refusal for good ends the flow, anything else leaves it to run again.
const databaseUrl = databaseUrlFor(inject('databaseServerUrl'), `flows_${randomBytes(4).toString('hex')}`);
let db: DataSource;
let flows: Flows;
let queue: JobQueue;

class Refusal extends Error {}

/** What the test flow did: each remote call with its idempotency key, and each ending. */
const calls: { step: string; key: string }[] = [];
const endings: { flowId: string; outcome: string; steps?: Record<string, unknown> }[] = [];
/** Each step fails this many times before it answers (a service down), or for good. */
const failures = new Map<string, number | 'refuse'>();

let definition: FlowDefinition<{ greeting: string }>;

beforeAll(async () => {
  await ensureDatabase(databaseUrl);
  db = await new DataSource({ type: 'postgres', url: databaseUrl, entities: [FlowEntity] }).initialize();
  const runner = db.createQueryRunner();
  await createFlowTable(runner);
  await runner.release();
  flows = new Flows(db, systemClock, createLogger('flows-test', 'silent'));
  const remote = async (step: string, key: string, answer: string) => {
    calls.push({ step, key });
    const failing = failures.get(step);
    if (failing === 'refuse') throw new Refusal(`${step} refused`);
    if (typeof failing === 'number' && failing > 0) {
      failures.set(step, failing - 1);
      throw new Error(`${step} unavailable`);
    }
    return answer;
  };
  definition = flows.define<{ greeting: string }>({
    kind: 'test-flow',
    run: async ({ flow, step }) => {
      const first = await step('first', (key) => remote('first', key, `${flow.input.greeting} one`));
      await step('second', (key) => remote('second', key, `${first}, two`));
    },
    succeeded: async (_manager, flow) => void endings.push({ flowId: flow.id, outcome: 'succeeded', steps: flow.steps }),
    failure: (error) => ({ reason: (error as Error).message, final: error instanceof Refusal }),
    failed: async (_manager, flow, failure) => void endings.push({ flowId: flow.id, outcome: failure.final ? 'refused' : 'paused' }),
  });
  const jobs = flows.jobs();
  queue = await startJobQueue({
    url: databaseUrl,
    db,
    logger: createLogger('flows-test', 'silent'),
    pollingIntervalSeconds: 0.5,
    handlers: jobs.handlers,
  });
}, 60_000);
afterAll(async () => {
  await queue?.stop();
  await db?.destroy();
  await dropDatabase(databaseUrl);
});
beforeEach(() => {
  calls.length = 0;
  endings.length = 0;
  failures.clear();
});

/** Records a flow as a mutation does; its job is woken only once the transaction commits. */
async function start(id: string, then: 'commit' | 'rollback' = 'commit') {
  await db
    .transaction(async (manager) => {
      await flows.start(manager, definition, id, { greeting: 'hello' });
      if (then === 'rollback') throw new Error('rolled back');
    })
    .catch((error: Error) => {
      if (error.message !== 'rolled back') throw error;
    });
}

describe('a flow', () => {
  it('runs in its job once the transaction that recorded it commits, each step once, with keys from its id', async () => {
    const id = randomUUID();
    await start(id);
    await expect.poll(async () => (await flows.get(id))?.state, { timeout: 30_000 }).toBe('SUCCEEDED');
    expect(calls).toEqual([
      { step: 'first', key: `${id}:first` },
      { step: 'second', key: `${id}:second` },
    ]);
    expect(endings).toEqual([{ flowId: id, outcome: 'succeeded', steps: { first: 'hello one', second: 'hello one, two' } }]);
    // Started again (a retried mutation): nothing changes, nothing runs.
    await start(id);
    expect(await flows.run(id)).toMatchObject({ state: 'SUCCEEDED', attempts: 1 });
    expect(calls).toHaveLength(2);
  });

  it('is not recorded when the transaction rolls back', async () => {
    const id = randomUUID();
    await start(id, 'rollback');
    expect(await flows.get(id)).toBeNull();
  });

  it('stays RUNNING when a step fails for now, and the next run skips the steps it recorded', async () => {
    const id = randomUUID();
    failures.set('second', 1);
    await db.transaction((manager) =>
      manager.insert(FlowEntity, {
        id,
        kind: 'test-flow',
        state: 'RUNNING',
        input: { greeting: 'hi' },
        steps: {},
        attempts: 0,
        lastError: null,
        createdAt: new Date(),
        updatedAt: new Date(),
        finishedAt: null,
      }),
    );
    await expect(flows.run(id)).rejects.toBeInstanceOf(FlowFailed);
    expect(await flows.get(id)).toMatchObject({
      state: 'RUNNING',
      steps: { first: 'hi one' },
      attempts: 1,
      lastError: 'second unavailable',
    });
    expect(await flows.run(id)).toMatchObject({
      state: 'SUCCEEDED',
      steps: { first: 'hi one', second: 'hi one, two' },
      attempts: 2,
      lastError: null,
    });
    expect(calls.map((call) => call.step)).toEqual(['first', 'second', 'second']);
    expect(endings.map((ending) => ending.outcome)).toEqual(['paused', 'succeeded']);
  });

  it('ends FAILED on a refusal for good, runs no more, and runs again only when restarted', async () => {
    const id = randomUUID();
    failures.set('first', 'refuse');
    await start(id);
    await expect.poll(async () => (await flows.get(id))?.state, { timeout: 30_000 }).toBe('FAILED');
    expect(await flows.get(id)).toMatchObject({ lastError: 'first refused', finishedAt: expect.any(Date) });
    expect(endings).toEqual([{ flowId: id, outcome: 'refused' }]);
    // Its job is not retried: a refusal would not change.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(calls).toHaveLength(1);
    expect(await flows.run(id)).toMatchObject({ state: 'FAILED' });

    failures.delete('first');
    await db.transaction((manager) => flows.restart(manager, id));
    await expect.poll(async () => (await flows.get(id))?.state, { timeout: 30_000 }).toBe('SUCCEEDED');
    expect(calls.map((call) => call.step)).toEqual(['first', 'first', 'second']);
  });

  it('is found by the sweep while RUNNING and left alone once ended', async () => {
    const running = randomUUID();
    await db.transaction((manager) =>
      manager.insert(FlowEntity, {
        id: running,
        kind: 'test-flow',
        state: 'RUNNING',
        input: { greeting: 'hey' },
        steps: {},
        attempts: 0,
        lastError: null,
        createdAt: new Date(),
        updatedAt: new Date(Date.now() - 120_000),
        finishedAt: null,
      }),
    );
    expect(await flows.running(60_000)).toContain(running);
    await flows.run(running);
    expect(await flows.running(0)).not.toContain(running);
  });
});
