import type {
  ProductKeyRedemptionResolvers,
  ProductKeyResolvers,
  ProductKeyValidationResolvers,
} from '../__generated__/resolvers-types.js';
import { maskProductKey } from '../domain/key-format.js';
import { storedFailure } from '@partner-graph/platform';

export const ProductKey: ProductKeyResolvers = {
  // Another partner's key is invisible, exactly like an unknown id.
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (viewer.kind !== 'partner-user') return null;
    const key = await loaders.productKey.load(id);
    return key && key.partnerId === viewer.partnerId ? key : null;
  },
  maskedKey: (key) => maskProductKey(key.lastFive),
  offer: (key) => ({ id: key.offerId }),
  customer: (key) => (key.customerId ? { id: key.customerId } : null),
  subscription: (key) => (key.subscriptionId ? { id: key.subscriptionId } : null),
};

export const ProductKeyValidation: ProductKeyValidationResolvers = {};

export const ProductKeyRedemption: ProductKeyRedemptionResolvers = {
  keys: async (redemption, _args, { loaders }) =>
    (await loaders.productKey.loadMany(redemption.keyIds)).flatMap((key) => (key && !(key instanceof Error) ? [key] : [])),
  offer: (redemption) => ({ id: redemption.offerId }),
  customer: (redemption) => (redemption.customerId ? { id: redemption.customerId } : null),
  // The subscription is shown once it is the keys' for good.
  subscription: (redemption) => (redemption.status === 'COMPLETED' && redemption.subscriptionId ? { id: redemption.subscriptionId } : null),
  failure: (redemption) => storedFailure(redemption),
};
