import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, platformEntities, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export function createCustomerServer(runtime: SubgraphRuntime) {
  return createSubgraphServer({
    name: 'customer',
    typeDefs,
    resolvers: {},
    secret: runtime.secret,
    logger: runtime.logger,
    health: async () => {
      await runtime.db.query('SELECT 1');
    },
    context: (signed, logger) => ({ signed, viewer: signed.viewer, requestId: signed.requestId, logger }),
  });
}

export const customerSubgraph: SubgraphModule = {
  name: 'customer',
  entities: platformEntities,
  migrations: [],
  create: createCustomerServer,
  seedDemo: async () => {},
};
