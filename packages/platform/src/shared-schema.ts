import { readFileSync } from 'node:fs';
import { concatAST, parse, type DocumentNode } from 'graphql';

/** `packages/platform/shared.graphql`: the SDL every subgraph shares (errors, paging, DateTime, the internal audit trail). */
const SHARED_SCHEMA_FILE = new URL('../shared.graphql', import.meta.url);

/** The shared SDL, a module of every subgraph's schema. */
export const sharedTypeDefs: DocumentNode = parse(readFileSync(SHARED_SCHEMA_FILE, 'utf8'));

/** A subgraph's own `schema.graphql`, parsed. */
export function readSubgraphSchema(file: URL): DocumentNode {
  return parse(readFileSync(file, 'utf8'));
}

/** A subgraph's whole SDL as composition sees it: its own schema and the shared module. */
export function withSharedTypeDefs(own: DocumentNode): DocumentNode {
  return concatAST([own, sharedTypeDefs]);
}
