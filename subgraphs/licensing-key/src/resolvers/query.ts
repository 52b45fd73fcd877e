import { authorize } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { PRODUCT_KEYS } from '../domain/product-keys.js';

// A bad argument (page size, cursor, too many keys) throws a DomainError: the platform answers it BAD_USER_INPUT.
export const Query: QueryResolvers = {
  productKeys: (_root, args, { viewer, productKeys }) => productKeys.list(viewer, args),
  productKey: async (_root, { id }, { viewer, loaders }) => {
    const allowed = authorize(viewer, PRODUCT_KEYS);
    const key = await loaders.productKey.load(id);
    return key && key.partnerId === allowed.partnerId ? key : null;
  },
  validateProductKeys: (_root, { keys }, { viewer, productKeys }) => productKeys.validate(viewer, keys),
  productKeyRedemption: (_root, { id }, { viewer, redemptions }) => redemptions.get(authorize(viewer, PRODUCT_KEYS), id),
};
