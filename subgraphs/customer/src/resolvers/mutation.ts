import { payload, requireService } from '@partner-graph/platform';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { DelegatedAdminRelationshipRow } from '../db/index.js';

const NO_LICENCE_CHANGES = { licencesReleased: [], licencesRestored: [], licencesNotRestored: [] };

/** What the customer side sees of a relationship: no partner data beyond the outcome. */
const customerView = (row: DelegatedAdminRelationshipRow) => ({
  relationshipId: row.id,
  status: row.status,
  access: row.access,
  expiresAt: row.expiresAt,
});

export const Mutation: MutationResolvers = {
  createCustomer: async (_root, { input, idempotencyKey, dryRun }, { accounts, viewer, requestId }) => {
    const result = await payload(() => accounts.createCustomer({ viewer, requestId }, input, idempotencyKey, dryRun ?? false));
    // A refused request still says whether it was a dry run.
    return { ...result, dryRun: dryRun ?? false };
  },
  retryCustomerProvisioning: (_root, { customerId }, { accounts, viewer, requestId }) =>
    payload(async () => ({ customer: await accounts.retryProvisioning({ viewer, requestId }, customerId) })),

  createCustomerUser: (_root, { customerId, input, idempotencyKey }, { users, viewer, requestId }) =>
    payload(() => users.create({ viewer, requestId }, customerId, input, idempotencyKey)),
  deleteCustomerUser: async (_root, { id }, { users, viewer, requestId }) => ({
    ...NO_LICENCE_CHANGES,
    ...(await payload(async () => {
      const { user, released } = await users.delete({ viewer, requestId }, id);
      return { user, licencesReleased: released.map((subscriptionId) => ({ id: subscriptionId })) };
    })),
  }),
  restoreCustomerUser: async (_root, { id }, { users, viewer, requestId }) => ({
    ...NO_LICENCE_CHANGES,
    ...(await payload(async () => {
      const { user, reinstated, notReinstated } = await users.restore({ viewer, requestId }, id);
      return {
        user,
        licencesRestored: reinstated.map((subscriptionId) => ({ id: subscriptionId })),
        licencesNotRestored: notReinstated.map(({ subscriptionId, code, message }) => ({
          subscription: { id: subscriptionId },
          code,
          message,
        })),
      };
    })),
  }),
  resetCustomerUserPassword: (_root, { id }, { users, viewer, requestId }) => payload(() => users.resetPassword({ viewer, requestId }, id)),

  createServiceRequest: (_root, { customerId, input, idempotencyKey }, { serviceRequests, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await serviceRequests.create({ viewer, requestId }, customerId, input, idempotencyKey) })),
  addServiceRequestNote: (_root, { id, text }, { serviceRequests, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await serviceRequests.addNote({ viewer, requestId }, id, text) })),
  closeServiceRequest: (_root, { id }, { serviceRequests, viewer, requestId }) =>
    payload(async () => ({ serviceRequest: await serviceRequests.close({ viewer, requestId }, id) })),

  sendDelegatedAdminOffer: (_root, { customerId, access, idempotencyKey }, { delegatedAdmin, viewer, requestId }) =>
    payload(() => delegatedAdmin.sendOffer({ viewer, requestId }, customerId, access, idempotencyKey)),
  acceptDelegatedAdminOffer: (_root, { code, signIn }, { delegatedAdmin, viewer, requestId }) =>
    payload(async () => {
      const { relationship, terminationCode, terminationUrl } = await delegatedAdmin.accept({ viewer, requestId }, code, signIn);
      return { relationship: customerView(relationship), terminationCode, terminationUrl };
    }),
  terminateDelegatedAdminRelationship: (_root, { id }, { delegatedAdmin, viewer, requestId }) =>
    payload(async () => ({ relationship: await delegatedAdmin.terminate({ viewer, requestId }, id) })),
  endDelegatedAdminRelationship: (_root, { code }, { delegatedAdmin, viewer, requestId }) =>
    payload(async () => ({ relationship: customerView(await delegatedAdmin.terminateAsCustomer({ viewer, requestId }, code)) })),

  createCustomerAccount: (_root, { input, idempotencyKey }, { signed, accounts, viewer, requestId }) => {
    requireService(signed);
    return payload(() => accounts.createAccount({ viewer, requestId }, input, idempotencyKey));
  },
};
