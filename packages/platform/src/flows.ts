import { EntitySchema, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { Clock } from './clock.js';
import type { ErrorCode, PayloadError } from './errors.js';
import type { Logger } from './logger.js';
import { sendAfterCommit, type JobBundle, type JobQueue } from './jobs.js';

/**
 * A durable flow: a change that spans subgraphs, run as steps by the job queue. Its row is the
 * durable state: the input it was started with, each finished step's result, and where it
 * stands. A run skips the steps already recorded, so a flow can run twice, concurrently or
 * after a crash at any point: a step that calls another service passes its idempotency key
 * (`<flow id>:<step name>`), so the step interrupted between the call and its record is
 * answered by the callee with the first result.
 */
export type FlowState = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface FlowRecord<Input = unknown> {
  id: string;
  kind: string;
  state: FlowState;
  input: Input;
  /** Each finished step's result, by step name. */
  steps: Record<string, unknown>;
  attempts: number;
  /** Why the last run stopped short (a service down, a refusal); null once it succeeded. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export const FlowEntity = new EntitySchema<FlowRecord>({
  name: 'Flow',
  tableName: 'flow',
  columns: {
    id: { type: 'text', primary: true },
    kind: { type: 'text' },
    state: { type: 'text' },
    input: { type: 'jsonb' },
    steps: { type: 'jsonb' },
    attempts: { type: 'int' },
    lastError: { type: 'text', name: 'last_error', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
    finishedAt: { type: 'timestamptz', name: 'finished_at', nullable: true },
  },
});

/** Run by each subgraph's migration that adds its first flow. */
export async function createFlowTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE flow (
      id text PRIMARY KEY,
      kind text NOT NULL,
      state text NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
      input jsonb NOT NULL,
      steps jsonb NOT NULL DEFAULT '{}',
      attempts int NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz
    )`);
  await queryRunner.query(`CREATE INDEX flow_running ON flow (updated_at) WHERE state = 'RUNNING'`);
}

export async function dropFlowTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE flow`);
}

/**
 * How the object a flow works for (a redemption, an acceptance) keeps the refusal that ended the
 * flow FAILED, for the client's `failure: PayloadError`: three columns of its own table.
 */
export interface StoredFailure {
  failureCode: string | null;
  failureMessage: string | null;
  failureField: string | null;
}

export const storedFailureColumns = {
  failureCode: { type: 'text', name: 'failure_code', nullable: true },
  failureMessage: { type: 'text', name: 'failure_message', nullable: true },
  failureField: { type: 'text', name: 'failure_field', nullable: true },
} as const;

/** The refusal an object keeps, as the client reads it; null when it has none. */
export function storedFailure(row: StoredFailure): PayloadError | null {
  return row.failureCode ? { code: row.failureCode as ErrorCode, message: row.failureMessage ?? '', field: row.failureField } : null;
}

/** What a flow's steps see while it runs. */
export interface FlowRun<Input> {
  readonly flow: FlowRecord<Input>;
  /**
   * Runs `name` once per flow: its result (JSON) is recorded in the flow row, and a later run
   * returns the recorded result without running it again. `idempotencyKey` (`<flow id>:<name>`)
   * is what a remote call of the step passes, so the callee answers a repeated call with its
   * first result.
   */
  step<T>(name: string, run: (idempotencyKey: string) => Promise<T>): Promise<T>;
}

/** Why a run stopped short, as the flow's definition reads the error. */
export interface FlowFailure {
  reason: string;
  /** Refused for good: the flow ends FAILED (it runs again only when restarted). Otherwise it stays RUNNING and is retried. */
  final: boolean;
}

export interface FlowDefinition<Input> {
  kind: string;
  /** The steps, each through `run.step`; what the flow produced is read from `steps` by `succeeded`. */
  run(run: FlowRun<Input>): Promise<void>;
  /** In the transaction that marks the flow SUCCEEDED: the domain's rows, audit record and event. */
  succeeded(manager: EntityManager, flow: FlowRecord<Input>): Promise<void>;
  /** How a step's error other than a `FlowRefused` (which ends the flow FAILED) ends this run: a service down is tried again. */
  failure(error: unknown): FlowFailure;
  /** In the transaction that records the failure: what the client is shown, and (when final) undoing what the flow reserved. */
  failed?(manager: EntityManager, flow: FlowRecord<Input>, failure: FlowFailure, error: unknown): Promise<void>;
}

/**
 * A step refused for good (another service said no: the domain is taken, the key is expired):
 * the flow ends FAILED with `message` as its reason, and runs again only when restarted.
 * `error` is the refusal as the client reads it (the object's stored failure).
 */
export class FlowRefused extends Error {
  constructor(
    readonly error: PayloadError,
    message: string = error.message,
  ) {
    super(message);
  }
}

/**
 * A service's answer to a flow step: the payload when it has no `errors`, else the step is
 * refused for good with its first error (`reason` words the flow's reason from it). With
 * `produces`, an answer without that field is a refusal too (`missing`).
 */
export function refuseOnErrors<T extends { errors: readonly PayloadError[] }, K extends Exclude<keyof T, 'errors'> = never>(
  payload: T,
  options: { produces?: K; missing?: string; reason?: (error: PayloadError) => string } = {},
): T & { [P in K]-?: NonNullable<T[P]> } {
  const [first] = payload.errors;
  if (first) throw new FlowRefused(first, options.reason?.(first));
  if (options.produces !== undefined && !payload[options.produces])
    throw new FlowRefused({ code: 'VALIDATION_FAILED', message: options.missing ?? 'The service answered without a result', field: null });
  return payload as T & { [P in K]-?: NonNullable<T[P]> };
}

/** Thrown by `Flows.run` when a run stopped short: the job fails and pg-boss retries it (with backoff) unless the failure is final. */
export class FlowFailed extends Error {
  constructor(
    readonly flowId: string,
    readonly failure: FlowFailure,
    options?: ErrorOptions,
  ) {
    super(failure.reason, options);
  }
}

export const FLOW_QUEUE = 'flow';
export const FLOW_SWEEP_QUEUE = 'flow-sweep';
/** The sweep leaves a running flow this long to the job that is driving it. */
const SWEEP_AFTER_MS = 60_000;

/**
 * The durable flows of one subgraph: `start` records a flow in the caller's transaction and
 * wakes its job once committed; `run` (the job) runs its unfinished steps; one sweep every
 * minute resumes what a lost wake-up or a crash left RUNNING.
 */
export class Flows {
  private readonly definitions = new Map<string, FlowDefinition<never>>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Adds a kind of flow; returns its definition for the domain to start flows of it. */
  define<Input>(definition: FlowDefinition<Input>): FlowDefinition<Input> {
    if (this.definitions.has(definition.kind)) throw new Error(`Flow ${definition.kind} is defined twice`);
    this.definitions.set(definition.kind, definition as FlowDefinition<never>);
    return definition;
  }

  /**
   * Records a flow in the caller's transaction and runs it once that commits. Starting a flow
   * whose id exists already changes nothing (the id is the flow's idempotency key).
   */
  async start<Input>(manager: EntityManager, definition: FlowDefinition<Input>, id: string, input: Input): Promise<void> {
    const now = this.clock.now();
    await manager
      .createQueryBuilder()
      .insert()
      .into(FlowEntity)
      .values({
        id,
        kind: definition.kind,
        state: 'RUNNING',
        input: input as object,
        steps: {},
        attempts: 0,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      })
      .orIgnore()
      .execute();
    sendAfterCommit(manager, FLOW_QUEUE, { id }, { singletonKey: id });
  }

  /** Runs a flow that ended FAILED again, keeping its finished steps; a RUNNING one is woken. */
  async restart(manager: EntityManager, id: string): Promise<void> {
    await manager.update(FlowEntity, { id, state: 'FAILED' }, { state: 'RUNNING', finishedAt: null, updatedAt: this.clock.now() });
    sendAfterCommit(manager, FLOW_QUEUE, { id }, { singletonKey: id });
  }

  async get<Input>(id: string, manager: EntityManager = this.db.manager): Promise<FlowRecord<Input> | null> {
    return (await manager.findOneBy(FlowEntity, { id })) as FlowRecord<Input> | null;
  }

  /**
   * Runs the steps of a RUNNING flow that are not recorded yet, then marks it SUCCEEDED.
   * Returns the flow as it stands (null when unknown); throws `FlowFailed` when a step failed.
   */
  async run(id: string): Promise<FlowRecord | null> {
    const flow = await this.get(id);
    if (!flow || flow.state !== 'RUNNING') return flow;
    const definition = this.definitions.get(flow.kind);
    if (!definition) throw new Error(`No flow ${flow.kind} is defined in this service`);
    const steps = { ...flow.steps };
    try {
      await definition.run({
        flow: { ...flow, steps } as FlowRecord<never>,
        step: async <T>(name: string, run: (idempotencyKey: string) => Promise<T>): Promise<T> => {
          if (name in steps) return steps[name] as T;
          const result = await run(`${id}:${name}`);
          steps[name] = result ?? null;
          await this.db.query(`UPDATE flow SET steps = steps || jsonb_build_object($2::text, $3::jsonb), updated_at = $4 WHERE id = $1`, [
            id,
            name,
            JSON.stringify(result ?? null),
            this.clock.now(),
          ]);
          return result;
        },
      });
    } catch (error) {
      const failure = error instanceof FlowRefused ? { reason: error.message, final: true } : definition.failure(error);
      this.logger.warn({ err: error, flowId: id, kind: flow.kind, final: failure.final }, 'flow stopped short');
      await this.db.transaction(async (manager) => {
        const now = this.clock.now();
        const updated = await manager
          .createQueryBuilder()
          .update(FlowEntity)
          .set({
            attempts: () => 'attempts + 1',
            lastError: failure.reason,
            updatedAt: now,
            ...(failure.final ? { state: 'FAILED' as const, finishedAt: now } : {}),
          })
          .where('id = :id AND state = :running', { id, running: 'RUNNING' })
          .returning('*')
          .execute();
        // Another run finished it meanwhile: its outcome stands.
        if (updated.raw.length === 0) return;
        await definition.failed?.(
          manager,
          { ...flow, steps, attempts: flow.attempts + 1, lastError: failure.reason } as FlowRecord<never>,
          failure,
          error,
        );
      });
      throw new FlowFailed(id, failure, { cause: error });
    }
    await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const updated = await manager
        .createQueryBuilder()
        .update(FlowEntity)
        .set({ state: 'SUCCEEDED', attempts: () => 'attempts + 1', lastError: null, updatedAt: now, finishedAt: now })
        .where('id = :id AND state = :running', { id, running: 'RUNNING' })
        .returning('id')
        .execute();
      if (updated.raw.length === 0) return;
      await definition.succeeded(manager, {
        ...flow,
        steps,
        attempts: flow.attempts + 1,
        lastError: null,
        finishedAt: now,
      } as FlowRecord<never>);
    });
    return this.get(id);
  }

  /** RUNNING flows, oldest first: those untouched for `olderThanMs`. */
  async running(olderThanMs: number, limit = 500): Promise<string[]> {
    const before = new Date(this.clock.now().getTime() - olderThanMs);
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM flow WHERE state = 'RUNNING' AND updated_at <= $1 ORDER BY updated_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The flows as jobs of the subgraph's queue: one job per flow run (a failed run is retried
   * with backoff unless its failure is final), one sweep every minute for what a lost wake-up
   * or a crash left RUNNING, and `start` resumes every RUNNING flow at once.
   */
  jobs(): JobBundle {
    const wake = async (queue: JobQueue, ids: string[]) => {
      for (const id of ids) await queue.send(FLOW_QUEUE, { id }, { singletonKey: id });
    };
    return {
      handlers: {
        [FLOW_QUEUE]: {
          policy: 'stately',
          // Each run mostly waits on another service: several flows at once per process (never one
          // flow twice, `stately`), so one slow run does not hold the flows behind it.
          workers: 4,
          // A service restarting, or a step waiting on another service's work: soon, then less and less often.
          retryDelaySeconds: 1,
          run: async (data) => {
            try {
              await this.run(String(data.id));
            } catch (error) {
              // A refusal for good is recorded; running it again would not change the answer.
              if (error instanceof FlowFailed && error.failure.final) return;
              throw error;
            }
          },
        },
        [FLOW_SWEEP_QUEUE]: async (_data, queue) => wake(queue, await this.running(SWEEP_AFTER_MS)),
      },
      schedules: [{ queue: FLOW_SWEEP_QUEUE, cron: '* * * * *' }],
      start: async (queue) => wake(queue, await this.running(0)),
    };
  }
}
