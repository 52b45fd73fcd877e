import { payload } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  updatePartnerProfile: (_root, { input }, { directory, viewer, requestId }) =>
    payload(async () => ({ partner: await directory.updateProfile({ viewer, requestId }, input) })),
  createPartnerUser: (_root, { input, idempotencyKey }, { directory, viewer, requestId }) =>
    payload(() => directory.createUser({ viewer, requestId }, input, idempotencyKey)),
  updatePartnerUser: (_root, { id, input }, { directory, viewer, requestId }) =>
    payload(async () => ({ user: await directory.updateUser({ viewer, requestId }, id, input) })),
  deactivatePartnerUser: (_root, { id }, { directory, viewer, requestId }) =>
    payload(async () => ({ user: await directory.deactivateUser({ viewer, requestId }, id) })),
};
