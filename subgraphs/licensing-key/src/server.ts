import {
  auditRetentionJobs,
  createSubgraphServer,
  eventRelayJobs,
  readSubgraphSchema,
  startSubgraphWorkers,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { licensingKeyServices, licensingKeyStores } from './services.js';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

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
      loaders: createLoaders(licensingKeyStores(runtime)),
    }),
  });
}

export const licensingKeySubgraph: SubgraphModule = {
  name: 'licensing-key',
  entities,
  migrations,
  create: createLicensingKeyServer,
  seedDemo,
  /** The redemption and renewal flows, the event relay and the audit trail's retention purge. */
  startWorkers: (runtime) =>
    startSubgraphWorkers(runtime, [licensingKeyServices(runtime).flows.jobs(), eventRelayJobs(runtime), auditRetentionJobs(runtime)]),
};
