import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, platformEntities, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export function createOfferServer(runtime: SubgraphRuntime) {
  return createSubgraphServer({
    name: 'offer',
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

export const offerSubgraph: SubgraphModule = {
  name: 'offer',
  entities: platformEntities,
  migrations: [],
  create: createOfferServer,
  seedDemo: async () => {},
};
