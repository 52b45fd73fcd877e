import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Mutation } from './mutation.js';
import { ProductKey, ProductKeyRedemption, ProductKeyValidation } from './product-key.js';
import { Query } from './query.js';

export const resolvers: Resolvers = { Query, Mutation, ProductKey, ProductKeyRedemption, ProductKeyValidation };
