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
      loaders: createLoaders(base.viewer, services.catalogue, services.invitations, services.acceptances),
    }),
  });
}

/** The acceptance flows (the platform's flow job and sweep), the event relay and the audit trail's retention purge. */
export function startOfferWorkers(runtime: SubgraphRuntime): Promise<(graceMs?: number) => Promise<void>> {
  return startSubgraphWorkers(runtime, [offerServices(runtime).flows.jobs(), eventRelayJobs(runtime), auditRetentionJobs(runtime)]);
}

export const offerSubgraph: SubgraphModule = {
  name: 'offer',
  entities,
  migrations,
  create: createOfferServer,
  seedDemo,
  startWorkers: startOfferWorkers,
};
