import { payload, requireService } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { DelegatedAdminRelationshipRow } from '../db/index.js';

const NO_LICENCE_CHANGES = { licencesReleased: [], licencesRestored: [], licencesNotRestored: [] };

/** What the customer side sees of a relationship: no partner data beyond the outcome. */
const customerView = (row: DelegatedAdminRelationshipRow) => ({ relationshipId: row.id, status: row.status, access: row.access, expiresAt: row.expiresAt });

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
  deleteCustomerUser: async (_root, { id }, { services, viewer, requestId }) => ({
    ...NO_LICENCE_CHANGES,
    ...(await payload(async () => {
      const { user, released } = await services.users.delete({ viewer, requestId }, id);
      return { user, licencesReleased: released.map((subscriptionId) => ({ id: subscriptionId })) };
    })),
  }),
  restoreCustomerUser: async (_root, { id }, { services, viewer, requestId }) => ({
    ...NO_LICENCE_CHANGES,
    ...(await payload(async () => {
      const { user, reinstated, notReinstated } = await services.users.restore({ viewer, requestId }, id);
      return {
        user,
        licencesRestored: reinstated.map((subscriptionId) => ({ id: subscriptionId })),
        licencesNotRestored: notReinstated.map(({ subscriptionId, code, message }) => ({ subscription: { id: subscriptionId }, code, message })),
      };
    })),
  }),
  resetCustomerUserPassword: (_root, { id }, { services, viewer, requestId }) => payload(() => services.users.resetPassword({ viewer, requestId }, id)),

  createServiceRequest: (_root, { customerId, input, idempotencyKey }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.create({ viewer, requestId }, customerId, input, idempotencyKey) })),
  addServiceRequestNote: (_root, { id, text }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.addNote({ viewer, requestId }, id, text) })),
  closeServiceRequest: (_root, { id }, { services, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await services.serviceRequests.close({ viewer, requestId }, id) })),

  sendDelegatedAdminOffer: (_root, { customerId, access, idempotencyKey }, { services, viewer, requestId }) =>
    payload(() => services.delegatedAdmin.sendOffer({ viewer, requestId }, customerId, access, idempotencyKey)),
  acceptDelegatedAdminOffer: (_root, { code }, { services, viewer, requestId }) =>
    payload(async () => {
      const { relationship, terminationCode, terminationUrl } = await services.delegatedAdmin.accept({ viewer, requestId }, code);
      return { relationship: customerView(relationship), terminationCode, terminationUrl };
    }),
  terminateDelegatedAdminRelationship: (_root, { id }, { services, viewer, requestId }) =>
    payload(async () => ({ relationship: await services.delegatedAdmin.terminate({ viewer, requestId }, id) })),
  endDelegatedAdminRelationship: (_root, { code }, { services, viewer, requestId }) =>
    payload(async () => ({ relationship: customerView(await services.delegatedAdmin.terminateAsCustomer({ viewer, requestId }, code)) })),

  createCustomerAccount: (_root, { input, idempotencyKey }, { signed, services, viewer, requestId }) => {
    requireService(signed);
    return payload(() => services.accounts.createAccount({ viewer, requestId }, input, idempotencyKey));
  },
};
