import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraphServer, startPoller, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { AuditTrail } from './domain/audit-trail.js';
import { PartnerDirectory } from './domain/partner-directory.js';
import { WebhookDelivery } from './domain/webhook-delivery.js';
import { WebhookEndpoints } from './domain/webhooks.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** Builds the partner subgraph (the partner directory); the caller decides where it listens. */
export function createPartnerServer(runtime: SubgraphRuntime) {
  const directory = new PartnerDirectory(runtime.db, runtime.clock);
  const auditTrail = new AuditTrail(runtime.db, runtime.services);
  const webhooks = new WebhookEndpoints(runtime.db, runtime.clock, runtime.events?.allowPrivateAddresses ?? false);
  return createSubgraphServer<Context>({
    name: 'partner',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<Context>,
    runtime,
    context: (base) => ({
      ...base,
      loaders: createLoaders(runtime.db),
      directory,
      auditTrail,
      webhooks,
    }),
  });
}

/** Webhook delivery: every replica attempts what is due, each delivery leased to one of them. */
async function startWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const delivery = new WebhookDelivery(runtime.db, runtime.clock, runtime.logger, runtime.events);
  const stopPoller = startPoller('webhook-delivery', () => delivery.tick(), delivery.intervalMs, runtime.logger);
  return async () => {
    await stopPoller();
    await delivery.stop();
  };
}

export const partnerSubgraph: SubgraphModule = {
  name: 'partner',
  entities,
  migrations,
  create: createPartnerServer,
  seedDemo,
  startWorkers,
};
