import { payload, requireService } from '@partner-graph/platform';
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
  createWebhookEndpoint: (_root, { input }, { webhooks, viewer, requestId }) =>
    payload(() => webhooks.create({ viewer, requestId }, input)),
  updateWebhookEndpoint: (_root, { id, input }, { webhooks, viewer, requestId }) =>
    payload(async () => ({ endpoint: await webhooks.update({ viewer, requestId }, id, input) })),
  rotateWebhookSecret: (_root, { id }, { webhooks, viewer, requestId }) => payload(() => webhooks.rotateSecret({ viewer, requestId }, id)),
  deleteWebhookEndpoint: (_root, { id }, { webhooks, viewer, requestId }) =>
    payload(async () => ({ deletedId: await webhooks.delete({ viewer, requestId }, id) })),
  sendTestWebhookEvent: (_root, { id }, { webhooks, viewer, requestId }) =>
    payload(async () => ({ eventId: await webhooks.sendTestEvent({ viewer, requestId }, id) })),
  redeliverWebhookEvent: (_root, { endpointId, eventId }, { webhooks, viewer, requestId }) =>
    payload(async () => ({ endpoint: await webhooks.redeliver({ viewer, requestId }, endpointId, eventId) })),
  acceptPartnerEvents: async (_root, { events }, { signed, webhooks }) => {
    requireService(signed);
    // The DateTime scalar hands over a Date; the event travels on as its ISO string.
    return webhooks.accept(events.map((event) => ({ ...event, occurredAt: event.occurredAt.toISOString() })));
  },
};
