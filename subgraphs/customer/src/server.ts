import {
  auditRetentionJobs,
  createSubgraphServer,
  eventRelayJobs,
  readSubgraphSchema,
  signCustomerAccess,
  startSubgraphWorkers,
  type JobBundle,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { customerServices, customerStores } from './services.js';

const USER_PURGE_QUEUE = 'customer-user-purge';
const DELEGATED_ADMIN_EXPIRY_QUEUE = 'delegated-admin-expiry';

const typeDefs = readSubgraphSchema(new URL('../schema.graphql', import.meta.url));

/** Builds the customer subgraph; the caller decides where it listens. */
export function createCustomerServer(runtime: SubgraphRuntime) {
  const services = customerServices(runtime);
  return createSubgraphServer<Context>({
    name: 'customer',
    typeDefs,
    resolvers,
    runtime,
    context: (base) => ({
      ...base,
      ...services,
      clock: runtime.clock,
      loaders: createLoaders(customerStores(runtime), runtime.clock, base.viewer),
      signAccess: (c) =>
        signCustomerAccess(
          {
            customerId: c.id,
            country: c.country,
            provisioningState: c.provisioningState,
            relationship: c.relationship,
            hasAdminRights: c.hasAdminRights,
            adminAccess: c.adminAccess,
          },
          c.partnerId,
          runtime.secret,
          runtime.clock.now(),
        ),
    }),
  });
}

/**
 * The background work: the provisioning flows of new accounts (the platform's `Flows`: one job
 * per run, a sweep for what a lost wake-up left), the event relay, the audit trail's retention
 * purge, the hourly purge of users deleted 30 days ago and the expiry of delegated-admin relationships.
 */
export function startCustomerWorkers(runtime: SubgraphRuntime): Promise<(graceMs?: number) => Promise<void>> {
  const services = customerServices(runtime);
  const accounts: JobBundle = {
    handlers: {
      [USER_PURGE_QUEUE]: async () => {
        await services.users.purgeExpired();
      },
      [DELEGATED_ADMIN_EXPIRY_QUEUE]: async () => {
        while ((await services.delegatedAdmin.recordExpiries()) > 0);
      },
    },
    schedules: [
      { queue: USER_PURGE_QUEUE, cron: '17 * * * *' },
      { queue: DELEGATED_ADMIN_EXPIRY_QUEUE, cron: '* * * * *' },
    ],
  };
  return startSubgraphWorkers(runtime, [services.flows.jobs(), eventRelayJobs(runtime), auditRetentionJobs(runtime), accounts]);
}

export const customerSubgraph: SubgraphModule = {
  name: 'customer',
  entities,
  migrations,
  create: createCustomerServer,
  seedDemo,
  startWorkers: startCustomerWorkers,
};
