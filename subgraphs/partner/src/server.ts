import {
  auditRetentionJobs,
  createSubgraphServer,
  readSubgraphSchema,
  startSubgraphWorkers,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { registerDeliveryMetrics, WebhookDelivery } from './domain/webhook-delivery.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { partnerServices, partnerStores } from './services.js';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

/** Builds the partner subgraph (the partner directory); the caller decides where it listens. */
export function createPartnerServer(runtime: SubgraphRuntime) {
  const services = partnerServices(runtime);
  return createSubgraphServer<Context>({
    name: 'partner',
    typeDefs,
    resolvers,
    runtime,
    metrics: (registry) => registerDeliveryMetrics(registry, partnerStores(runtime).deliveries),
    // The directory is this subgraph's own table: no call to itself.
    viewerLookup: (subject) => services.directory.viewerContext(subject),
    context: (base) => ({
      ...base,
      ...services,
      loaders: createLoaders(partnerStores(runtime)),
    }),
  });
}

/**
 * Webhook delivery (any replica, one run per endpoint at a time) and the audit trail's retention
 * purge. No event relay: the partner subgraph has no outbox; it receives the others' events
 * (`acceptPartnerEvents`).
 */
function startWorkers(runtime: SubgraphRuntime): Promise<(graceMs?: number) => Promise<void>> {
  const delivery = new WebhookDelivery(runtime.db, runtime.clock, runtime.events, partnerStores(runtime).deliveries);
  return startSubgraphWorkers(runtime, [delivery.jobs(), auditRetentionJobs(runtime)]);
}

export const partnerSubgraph: SubgraphModule = {
  name: 'partner',
  entities,
  migrations,
  create: createPartnerServer,
  seedDemo,
  startWorkers,
};
