import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { createSubgraphServer, systemClock, type Clock, type Logger } from '@partner-graph/platform';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Context } from './context.js';
import { PartnerDirectory } from './domain/partner-directory.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
export { entities, migrations } from './db/index.js';

export interface PartnerServerOptions {
  db: DataSource;
  secret: string;
  logger: Logger;
  clock?: Clock;
}

/** Builds the partner subgraph (the partner directory); the caller decides where it listens. */
export function createPartnerServer(options: PartnerServerOptions) {
  const directory = new PartnerDirectory(options.db, options.clock ?? systemClock);
  return createSubgraphServer<Context>({
    name: 'partner',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<Context>,
    secret: options.secret,
    logger: options.logger,
    health: async () => {
      await options.db.query('SELECT 1');
    },
    context: (signed, logger) => ({
      signed,
      viewer: signed.viewer,
      requestId: signed.requestId,
      logger,
      loaders: createLoaders(options.db),
      directory,
    }),
  });
}
