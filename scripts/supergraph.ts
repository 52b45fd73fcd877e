import { composeServices } from '@apollo/composition';
import { readFileSync } from 'node:fs';
import { lexicographicSortSchema, parse, printSchema } from 'graphql';
import { SUBGRAPHS, subgraphPort } from '@partner-graph/platform';

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
      typeDefs: parse(readFileSync(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  const api = printSchema(lexicographicSortSchema(result.schema.toAPISchema().toGraphQLJSSchema()));
  return { supergraph: result.supergraphSdl, api: `${api}\n` };
}
