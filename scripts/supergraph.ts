import { composeServices } from '@apollo/composition';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readSubgraphSchema, SUBGRAPHS, subgraphPort, withSharedTypeDefs } from '@partner-graph/platform';

export const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/**
 * Composes the subgraphs' SDL into the supergraph and the client-facing API schema. The
 * supergraph names the default local URLs; the gateway (or Router / Hive Gateway) is told
 * where the subgraphs really are.
 */
export function composeSupergraph(): { supergraph: string; api: string } {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://127.0.0.1:${subgraphPort(name)}/graphql`,
      typeDefs: withSharedTypeDefs(readSubgraphSchema(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url))),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  const api = printSchema(lexicographicSortSchema(result.schema.toAPISchema().toGraphQLJSSchema()));
  return { supergraph: result.supergraphSdl, api: `${api}\n` };
}
