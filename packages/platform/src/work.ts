import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose work is running: a client's request (through the gateway, and the service calls it
 * makes) or background work (jobs, pollers, sweeps, and the service calls they make). The SQL
 * statement count of the N+1 tests reads it, so background work running meanwhile never
 * counts against a request.
 */
export type WorkKind = 'request' | 'background';

const work = new AsyncLocalStorage<WorkKind>();

/** The header a service call carries when background work makes it. */
export const WORK_HEADER = 'x-partner-graph-work';

export function runAs<T>(kind: WorkKind, run: () => T): T {
  return work.run(kind, run);
}

export function currentWork(): WorkKind | undefined {
  return work.getStore();
}
