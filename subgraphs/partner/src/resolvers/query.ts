import { authorize, EVENT_TYPES, requireService } from '@partner-graph/platform';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  me: (_root, _args, { viewer, loaders }) => loaders.user.load(authorize(viewer).userId),
  partner: (_root, _args, { viewer, loaders }) => loaders.partner.load(authorize(viewer).partnerId),
  viewerContext: async (_root, { subject }, { signed, directory }) => {
    requireService(signed);
    return directory.viewerContext(subject);
  },
  auditRecords: (_root, { filter, first, after }, { viewer, requestId, auditTrail }) =>
    auditTrail.list(viewer, requestId, filter ?? {}, first, after),
  webhookEndpoints: (_root, _args, { viewer, webhooks }) => webhooks.list(viewer),
  webhookEventTypes: (_root, _args, { viewer }) => {
    authorize(viewer);
    return [...EVENT_TYPES];
  },
  partnerAdvisorCode: async (_root, { partnerId }, { signed, loaders }) => {
    requireService(signed);
    return (await loaders.partner.load(partnerId))?.advisorCode ?? null;
  },
  partnerContact: async (_root, { partnerId }, { signed, loaders }) => {
    requireService(signed);
    const partner = await loaders.partner.load(partnerId);
    return partner && { companyName: partner.companyName, email: partner.email, phone: partner.phone, website: partner.website ?? null };
  },
};
