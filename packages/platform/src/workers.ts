import { startJobQueue, type JobBundle } from './jobs.js';
import type { SubgraphRuntime } from './service.js';

/**
 * A subgraph's background work on one job queue (pg-boss, in its own database): each bundle's
 * queues and schedules, then each bundle's `start` (what an earlier run left due). Resolves to
 * what stops it: the queue (running jobs finish within the grace), then each bundle's `stop`.
 */
export async function startSubgraphWorkers(runtime: SubgraphRuntime, bundles: JobBundle[]): Promise<(graceMs?: number) => Promise<void>> {
  const handlers: JobBundle['handlers'] = {};
  for (const bundle of bundles)
    for (const [name, handler] of Object.entries(bundle.handlers)) {
      if (name in handlers) throw new Error(`Job queue ${name} is in two bundles`);
      handlers[name] = handler;
    }
  const queue = await startJobQueue({
    url: runtime.databaseUrl,
    db: runtime.db,
    logger: runtime.logger,
    pollingIntervalSeconds: runtime.events?.pollingIntervalSeconds,
    connections: runtime.jobQueueConnections,
    handlers,
    schedules: bundles.flatMap((bundle) => bundle.schedules ?? []),
  });
  for (const bundle of bundles) await bundle.start?.(queue);
  return async (graceMs) => {
    await queue.stop(graceMs);
    for (const bundle of bundles) await bundle.stop?.();
  };
}
