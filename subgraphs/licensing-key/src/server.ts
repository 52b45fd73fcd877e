import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, platformEntities, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export function createProductKeyServer(runtime: SubgraphRuntime) {
  return createSubgraphServer({
    name: 'licensing-key',
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

export const licensingKeySubgraph: SubgraphModule = {
  name: 'licensing-key',
  entities: platformEntities,
  migrations: [],
  create: createProductKeyServer,
  seedDemo: async () => {},
};
