import { GraphQLError } from 'graphql';
import { authorize, DomainError } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { PRODUCT_KEYS } from '../domain/product-keys.js';

/** A query's bad argument (page size, cursor, too many keys) is the client's mistake, not a payload. */
async function asInputError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: error.errors[0]?.field } });
    throw error;
  }
}

export const Query: QueryResolvers = {
  productKeys: (_root, args, { viewer, productKeys }) => asInputError(() => productKeys.list(viewer, args)),
  productKey: async (_root, { id }, { viewer, loaders }) => {
    const allowed = authorize(viewer, PRODUCT_KEYS);
    const key = await loaders.productKey.load(id);
    return key && key.partnerId === allowed.partnerId ? key : null;
  },
  validateProductKeys: (_root, { keys }, { viewer, productKeys }) => asInputError(() => productKeys.validate(viewer, keys)),
  productKeyRedemption: (_root, { id }, { viewer, redemptions }) => redemptions.get(authorize(viewer, PRODUCT_KEYS), id),
};
