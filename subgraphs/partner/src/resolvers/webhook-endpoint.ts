import type { WebhookEndpointResolvers } from '../__generated__/resolvers-types.js';

export const WebhookEndpoint: WebhookEndpointResolvers = {
  // The endpoint was loaded for the viewer's partner, so its log is theirs to read.
  deliveries: (endpoint, { first, after }, { webhooks, loaders }) => webhooks.deliveries(loaders, endpoint, first, after),
};
