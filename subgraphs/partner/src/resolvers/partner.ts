import type { PartnerResolvers } from '../__generated__/resolvers-types.js';

export const Partner: PartnerResolvers = {
  // Another partner's profile is invisible, exactly like an unknown id.
  __resolveReference: async ({ id }, { viewer, loaders }) =>
    viewer.kind === 'partner-user' && viewer.partnerId === id ? loaders.partner.load(id) : null,
  address: (partner) => ({
    line1: partner.addressLine1,
    line2: partner.addressLine2,
    city: partner.city,
    region: partner.region,
    postalCode: partner.postalCode,
    country: partner.country,
  }),
  users: (partner, { includeInactive }, { viewer, directory }) => directory.listUsers(viewer, partner.id, includeInactive),
};
