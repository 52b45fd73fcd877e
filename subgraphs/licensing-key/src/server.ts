import { createSubgraphServer, readSubgraphSchema, eventRelayJobs, startJobQueue, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { licensingKeyServices } from './services.js';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

/** The job that resumes redemptions and renewals left unfinished (a crash, a service down). */
export const RESUME_REDEMPTIONS_QUEUE = 'product-key-redemptions-resume';

/** Builds the licensing-key subgraph (product keys); the caller decides where it listens. */
export function createLicensingKeyServer(runtime: SubgraphRuntime) {
  const services = licensingKeyServices(runtime);
  return createSubgraphServer<Context>({
    name: 'licensing-key',
    typeDefs,
    resolvers,
    runtime,
    context: (base) => ({
      ...base,
      ...services,
      loaders: createLoaders(runtime.db),
    }),
  });
}

export const licensingKeySubgraph: SubgraphModule = {
  name: 'licensing-key',
  entities,
  migrations,
  create: createLicensingKeyServer,
  seedDemo,
  async startWorkers(runtime) {
    const { redemptions } = licensingKeyServices(runtime);
    const relay = eventRelayJobs(runtime);
    const queue = await startJobQueue({
      url: runtime.databaseUrl,
      db: runtime.db,
      logger: runtime.logger,
      handlers: {
        ...relay.handlers,
        [RESUME_REDEMPTIONS_QUEUE]: async () => {
          await redemptions.resumeUnfinished();
        },
      },
      schedules: [...relay.schedules, { queue: RESUME_REDEMPTIONS_QUEUE, cron: '* * * * *' }],
    });
    await relay.start(queue);
    return async () => {
      await queue.stop();
    };
  },
};
