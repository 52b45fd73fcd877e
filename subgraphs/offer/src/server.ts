import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { createSubgraphServer, type SubgraphModule, type SubgraphRuntime } from '@partner-graph/platform';
import type { Context } from './context.js';
import { entities, migrations } from './db/index.js';
import { seedDemo } from './db/seed.js';
import { Catalogue } from './domain/catalogue.js';
import { Invitations, type AdvisorCodes } from './domain/invitations.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** The partner subgraph owns advisor codes; it answers this internal field for services only. */
function advisorCodesFrom(runtime: SubgraphRuntime): AdvisorCodes {
  return async (partnerId, actor) => {
    const data = await runtime.services.query<{ partnerAdvisorCode: string | null }>(
      'partner',
      'query($partnerId: ID!) { partnerAdvisorCode(partnerId: $partnerId) }',
      { partnerId },
      actor,
    );
    if (!data.partnerAdvisorCode) throw new Error(`Partner ${partnerId} has no advisor code`);
    return data.partnerAdvisorCode;
  };
}

/** Builds the offer subgraph (catalogue, trial invitations, purchase offers); the caller decides where it listens. */
export function createOfferServer(runtime: SubgraphRuntime) {
  const catalogue = new Catalogue(runtime.db);
  const invitations = new Invitations(runtime.db, runtime.clock, catalogue, advisorCodesFrom(runtime), runtime.publicAcceptUrl);
  return createSubgraphServer<Context>({
    name: 'offer',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<Context>,
    secret: runtime.secret,
    logger: runtime.logger,
    inlineTracing: runtime.inlineTracing,
    audit: { db: runtime.db, clock: runtime.clock },
    health: async () => {
      await runtime.db.query('SELECT 1');
    },
    context: (signed, logger) => ({
      signed,
      viewer: signed.viewer,
      requestId: signed.requestId,
      logger,
      loaders: createLoaders(signed.viewer, catalogue, invitations),
      catalogue,
      invitations,
    }),
  });
}

export const offerSubgraph: SubgraphModule = {
  name: 'offer',
  entities,
  migrations,
  create: createOfferServer,
  seedDemo,
};
