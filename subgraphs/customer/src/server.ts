import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraphServer, signCustomerAccess, startEventRelay, startJobQueue, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { DELEGATED_ADMIN_EXPIRY_QUEUE, PROVISIONING_QUEUE, PROVISIONING_SWEEP_QUEUE, USER_PURGE_QUEUE } from './domain/work-queue.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { customerServices } from './services.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** Builds the customer subgraph; the caller decides where it listens. */
export function createCustomerServer(runtime: SubgraphRuntime) {
  const services = customerServices(runtime);
  return createSubgraphServer<Context>({
    name: 'customer',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<Context>,
    runtime,
    context: (base) => ({
      ...base,
      clock: runtime.clock,
      loaders: createLoaders(runtime.db, runtime.clock, base.viewer),
      services,
      signAccess: (c) =>
        signCustomerAccess(
          { customerId: c.id, country: c.country, provisioningState: c.provisioningState, relationship: c.relationship, hasAdminRights: c.hasAdminRights, adminAccess: c.adminAccess },
          c.partnerId,
          runtime.secret,
          runtime.clock.now(),
        ),
    }),
  });
}

/**
 * The background work: provisioning new accounts (one job per customer, retried with backoff),
 * a sweep every minute that enqueues provisioning work still pending (e.g. created by a replica
 * without workers, or whose enqueue was lost), and the hourly purge of users deleted 30 days ago.
 */
export async function startCustomerWorkers(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const services = customerServices(runtime);
  const queue = await startJobQueue({
    url: runtime.databaseUrl,
    logger: runtime.logger,
    handlers: {
      [PROVISIONING_QUEUE]: async (data) => {
        await services.provisioner.provision(String(data.customerId));
      },
      [PROVISIONING_SWEEP_QUEUE]: async () => {
        for (const customerId of await services.provisioner.pendingCustomerIds()) await services.work.provision(customerId);
      },
      [USER_PURGE_QUEUE]: async () => {
        await services.users.purgeExpired();
      },
      [DELEGATED_ADMIN_EXPIRY_QUEUE]: async () => {
        while ((await services.delegatedAdmin.recordExpiries()) > 0);
      },
    },
    schedules: [
      { queue: PROVISIONING_SWEEP_QUEUE, cron: '* * * * *' },
      { queue: USER_PURGE_QUEUE, cron: '17 * * * *' },
      { queue: DELEGATED_ADMIN_EXPIRY_QUEUE, cron: '* * * * *' },
    ],
  });
  services.work.attach(queue);
  for (const customerId of await services.provisioner.pendingCustomerIds()) await services.work.provision(customerId);
  const stopRelay = startEventRelay(runtime);
  return async () => {
    services.work.attach(null);
    await Promise.all([queue.stop(), stopRelay()]);
  };
}

export const customerSubgraph: SubgraphModule = {
  name: 'customer',
  entities,
  migrations,
  create: createCustomerServer,
  seedDemo,
  startWorkers: startCustomerWorkers,
};
