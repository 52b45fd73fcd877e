import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraphServer, startEventRelay, startJobQueue, verifyCustomerAccess, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { CustomerReference } from './codegen-mappers.js';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { LIFECYCLE_QUEUE, SubscriptionLifecycle } from './domain/lifecycle.js';
import { RemoteServices } from './domain/remote-services.js';
import { RenewalNotices } from './domain/renewal-notices.js';
import { SubscriptionManager } from './domain/subscription-manager.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** Builds the subscription subgraph; the caller decides where it listens. */
export function createSubscriptionServer(runtime: SubgraphRuntime) {
  const remote = new RemoteServices(runtime.services);
  const subscriptions = new SubscriptionManager(runtime.db, runtime.clock, remote);
  const notices = new RenewalNotices(runtime.db);
  return createSubgraphServer<Context>({
    name: 'subscription',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<Context>,
    runtime,
    context: (base) => {
      const as = { viewer: base.viewer, requestId: base.requestId };
      const loaders = createLoaders(runtime.db, remote, as);
      return {
        ...base,
        loaders,
        actor: { ...as, customerAccess: (customerId: string) => loaders.customerAccess.load(customerId) },
        subscriptions,
        notices,
        verifyAccess: (customer: CustomerReference) =>
          base.viewer.kind === 'partner-user'
            ? verifyCustomerAccess(customer.accessGrant, { partnerId: base.viewer.partnerId, customerId: customer.id }, runtime.secret, runtime.clock.now())
            : null,
      };
    },
  });
}

/** The lifecycle scheduler: pg-boss runs the job once per tick across all replicas. */
async function startWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const lifecycle = new SubscriptionLifecycle(runtime.db, runtime.clock);
  const queue = await startJobQueue({
    url: runtime.databaseUrl,
    logger: runtime.logger,
    handlers: {
      [LIFECYCLE_QUEUE]: async () => {
        const run = await lifecycle.runLifecycle(runtime.clock.now());
        runtime.logger.info(run, 'subscription lifecycle ran');
      },
    },
    schedules: [{ queue: LIFECYCLE_QUEUE, cron: '*/10 * * * *' }],
  });
  const stopRelay = startEventRelay(runtime);
  return async () => {
    await Promise.all([queue.stop(), stopRelay()]);
  };
}

export const subscriptionSubgraph: SubgraphModule = {
  name: 'subscription',
  entities,
  migrations,
  create: createSubscriptionServer,
  seedDemo,
  startWorkers,
};
