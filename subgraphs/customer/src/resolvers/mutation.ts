import { payload, requireService } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  createCustomer: async (_root, { input, idempotencyKey, dryRun }, { services, viewer, requestId }) => {
    const result = await payload(() => services.accounts.createCustomer({ viewer, requestId }, input, idempotencyKey, dryRun ?? false));
    // A refused request still says whether it was a dry run.
    return { ...result, dryRun: dryRun ?? false };
  },
  retryCustomerProvisioning: (_root, { customerId }, { services, viewer, requestId }) =>
    payload(async () => ({ customer: await services.accounts.retryProvisioning({ viewer, requestId }, customerId) })),

  createCustomerUser: (_root, { customerId, input, idempotencyKey }, { services, viewer, requestId }) =>
    payload(() => services.users.create({ viewer, requestId }, customerId, input, idempotencyKey)),
  deleteCustomerUser: (_root, { id }, { services, viewer, requestId }) => payload(async () => ({ user: await services.users.delete({ viewer, requestId }, id) })),
  restoreCustomerUser: (_root, { id }, { services, viewer, requestId }) => payload(async () => ({ user: await services.users.restore({ viewer, requestId }, id) })),
  resetCustomerUserPassword: (_root, { id }, { services, viewer, requestId }) => payload(() => services.users.resetPassword({ viewer, requestId }, id)),

  createServiceRequest: (_root, { customerId, input, idempotencyKey }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.create({ viewer, requestId }, customerId, input, idempotencyKey) })),
  addServiceRequestNote: (_root, { id, text }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.addNote({ viewer, requestId }, id, text) })),
  closeServiceRequest: (_root, { id }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.close({ viewer, requestId }, id) })),

  sendDelegatedAdminOffer: (_root, { customerId, access }, { services, viewer, requestId }) =>
    payload(() => services.delegatedAdmin.sendOffer({ viewer, requestId }, customerId, access)),
  acceptDelegatedAdminOffer: (_root, { code }, { services, viewer, requestId }) =>
    payload(async () => {
      const accepted = await services.delegatedAdmin.accept({ viewer, requestId }, code);
      return { relationship: { relationshipId: accepted.id, status: accepted.status, access: accepted.access, expiresAt: accepted.expiresAt } };
    }),
  terminateDelegatedAdminRelationship: (_root, { id }, { services, viewer, requestId }) =>
    payload(async () => ({ relationship: await services.delegatedAdmin.terminate({ viewer, requestId }, id) })),

  createCustomerAccount: (_root, { input, idempotencyKey }, { signed, services, viewer, requestId }) => {
    requireService(signed);
    return payload(() => services.accounts.createAccount({ viewer, requestId }, input, idempotencyKey));
  },
};
