import { auditRetentionJobs } from './audit-trail.js';
import { eventRelayJobs } from './events.js';
import type { Flows } from './flows.js';
import { startJobQueue, type JobDefinition, type JobHandler } from './jobs.js';
import type { SubgraphRuntime } from './service.js';

/**
 * A subgraph's background work on one job queue (pg-boss, in its own database): the event relay,
 * the audit trail's retention purge, its durable flows when it has some (their job and sweep, and at once every flow a crash left
 * RUNNING), and its own jobs. Resolves to what stops it.
 */
export async function startSubgraphWorkers(
  runtime: SubgraphRuntime,
  work: { flows?: Flows; handlers?: Record<string, JobDefinition | JobHandler>; schedules?: { queue: string; cron: string }[] } = {},
): Promise<(graceMs?: number) => Promise<void>> {
  const relay = eventRelayJobs(runtime);
  const audit = auditRetentionJobs(runtime);
  const flows = work.flows?.jobs();
  const queue = await startJobQueue({
    url: runtime.databaseUrl,
    db: runtime.db,
    logger: runtime.logger,
    pollingIntervalSeconds: runtime.events?.pollingIntervalSeconds,
    handlers: { ...relay.handlers, ...audit.handlers, ...flows?.handlers, ...work.handlers },
    schedules: [...relay.schedules, ...audit.schedules, ...(flows?.schedules ?? []), ...(work.schedules ?? [])],
  });
  await flows?.start(queue);
  await relay.start(queue);
  return (graceMs) => queue.stop(graceMs);
}
