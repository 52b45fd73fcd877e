import {
  auditRetentionJobs,
  createSubgraphServer,
  eventRelayJobs,
  readSubgraphSchema,
  verifyCustomerAccess,
  startSubgraphWorkers,
  type JobBundle,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import type { CustomerReference } from './codegen-mappers.js';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { LIFECYCLE_QUEUE, SubscriptionLifecycle } from './domain/lifecycle.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { subscriptionServices, subscriptionStore } from './services.js';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

/** Builds the subscription subgraph; the caller decides where it listens. */
export function createSubscriptionServer(runtime: SubgraphRuntime) {
  const services = subscriptionServices(runtime);
  return createSubgraphServer<Context>({
    name: 'subscription',
    typeDefs,
    resolvers,
    runtime,
    context: (base) => {
      const as = { viewer: base.viewer, requestId: base.requestId };
      const loaders = createLoaders(subscriptionStore(runtime), runtime.serviceClient, as);
      return {
        ...base,
        ...services,
        loaders,
        clock: runtime.clock,
        actor: { ...as, customerAccess: (customerId: string) => loaders.customerAccess.load(customerId) },
        verifyAccess: (customer: CustomerReference) =>
          base.viewer.kind === 'partner-user'
            ? verifyCustomerAccess(
                customer.accessGrant,
                { partnerId: base.viewer.partnerId, customerId: customer.id },
                runtime.secret,
                runtime.clock.now(),
              )
            : null,
      };
    },
  });
}

/** The lifecycle scheduler (pg-boss runs the job once per tick across all replicas), the event relay and the audit trail's retention purge. */
function startWorkers(runtime: SubgraphRuntime): Promise<(graceMs?: number) => Promise<void>> {
  const lifecycle = new SubscriptionLifecycle(runtime.db, runtime.clock, subscriptionStore(runtime));
  const lifecycleJobs: JobBundle = {
    handlers: {
      [LIFECYCLE_QUEUE]: async () => {
        const run = await lifecycle.runLifecycle(runtime.clock.now());
        runtime.logger.info(run, 'subscription lifecycle ran');
      },
    },
    schedules: [{ queue: LIFECYCLE_QUEUE, cron: '*/10 * * * *' }],
  };
  return startSubgraphWorkers(runtime, [lifecycleJobs, eventRelayJobs(runtime), auditRetentionJobs(runtime)]);
}

export const subscriptionSubgraph: SubgraphModule = {
  name: 'subscription',
  entities,
  migrations,
  create: createSubscriptionServer,
  seedDemo,
  startWorkers,
};
