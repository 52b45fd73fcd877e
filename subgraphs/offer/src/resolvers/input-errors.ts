import { GraphQLError } from 'graphql';
import { DomainError } from '@partner-graph/platform';

/**
 * Queries have no payload: a bad argument (country, cursor, page size) becomes a GraphQL error
 * with the public code BAD_USER_INPUT instead of a masked internal error.
 */
export async function queryInput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) {
      const [first] = error.errors;
      throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: first?.field ?? null } });
    }
    throw error;
  }
}
