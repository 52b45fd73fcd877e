import { createSubgraphServer, readSubgraphSchema, eventRelayJobs, startJobQueue, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { ACCEPTANCE_QUEUE, ACCEPTANCE_SWEEP_QUEUE, SWEEP_AFTER_MS } from './domain/acceptances.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { offerServices } from './services.js';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

/** Builds the offer subgraph (catalogue, trial invitations, purchase offers and their acceptance); the caller decides where it listens. */
export function createOfferServer(runtime: SubgraphRuntime) {
  const services = offerServices(runtime);
  return createSubgraphServer<Context>({
    name: 'offer',
    typeDefs,
    resolvers,
    runtime,
    context: (base) => ({
      ...base,
      ...services,
      loaders: createLoaders(base.viewer, services.catalogue, services.invitations),
    }),
  });
}

/**
 * The background work: finishing an acceptance whose customer account could not be created at
 * once (one job per acceptance, retried with backoff), and a sweep every minute for any
 * acceptance still PENDING (a crash between recording it and creating the account).
 */
export async function startOfferWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const { acceptances } = offerServices(runtime);
  const relay = eventRelayJobs(runtime);
  const queue = await startJobQueue({
    url: runtime.databaseUrl,
    db: runtime.db,
    logger: runtime.logger,
    handlers: {
      ...relay.handlers,
      [ACCEPTANCE_QUEUE]: async (data) => {
        const id = String(data.acceptanceId);
        const result = await acceptances.complete(id, { viewer: { kind: 'system' }, requestId: `resume-acceptance:${id}` });
        if (result?.status === 'PENDING') throw new Error(`Acceptance ${id} still pending: ${result.lastError ?? 'customer service unavailable'}`);
      },
      [ACCEPTANCE_SWEEP_QUEUE]: async () => {
        await acceptances.resumePending({ olderThanMs: SWEEP_AFTER_MS });
      },
    },
    schedules: [...relay.schedules, { queue: ACCEPTANCE_SWEEP_QUEUE, cron: '* * * * *' }],
  });
  acceptances.attach(queue);
  await relay.start(queue);
  return async () => {
    acceptances.attach(null);
    await queue.stop();
  };
}

export const offerSubgraph: SubgraphModule = {
  name: 'offer',
  entities,
  migrations,
  create: createOfferServer,
  seedDemo,
  startWorkers: startOfferWorkers,
};
