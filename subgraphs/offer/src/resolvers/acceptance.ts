import { storedFailure } from '@partner-graph/platform';
import type { OfferAcceptanceResolvers } from '../__generated__/resolvers-types.js';

export const OfferAcceptance: OfferAcceptanceResolvers = {
  customer: (acceptance) => (acceptance.customerId ? { id: acceptance.customerId } : null),
  provisioningState: async (acceptance, _args, { loaders }) => {
    if (acceptance.status === 'PENDING') return 'PROVISIONING';
    return (await loaders.acceptedAccount.load(acceptance))?.provisioningState ?? null;
  },
  language: async (acceptance, _args, { loaders }) => (await loaders.acceptedAccount.load(acceptance))?.language ?? null,
  failure: (acceptance) => storedFailure(acceptance),
};
