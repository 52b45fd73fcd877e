import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraphServer, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { AuditTrail } from './domain/audit-trail.js';
import { PartnerDirectory } from './domain/partner-directory.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** Builds the partner subgraph (the partner directory); the caller decides where it listens. */
export function createPartnerServer(runtime: SubgraphRuntime) {
  const directory = new PartnerDirectory(runtime.db, runtime.clock);
  const auditTrail = new AuditTrail(runtime.db, runtime.services);
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
    }),
  });
}

export const partnerSubgraph: SubgraphModule = {
  name: 'partner',
  entities,
  migrations,
  create: createPartnerServer,
  seedDemo,
};
