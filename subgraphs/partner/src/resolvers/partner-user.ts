import type { PartnerUserResolvers } from '../__generated__/resolvers-types.js';

export const PartnerUser: PartnerUserResolvers = {
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (viewer.kind !== 'partner-user') return null;
    const user = await loaders.user.load(id);
    return user && user.partnerId === viewer.partnerId ? user : null;
  },
  partner: async (user, _args, { loaders }) => (await loaders.partner.load(user.partnerId))!,
};
