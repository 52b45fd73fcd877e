import { storedFailure } from '@partner-graph/platform';
import type { OfferAcceptanceResolvers } from '../__generated__/resolvers-types.js';

export const OfferAcceptance: OfferAcceptanceResolvers = {
  customer: (acceptance) => (acceptance.customerId ? { id: acceptance.customerId } : null),
  provisioningState: (acceptance, _args, { acceptances }) => acceptances.provisioningState(acceptance),
  failure: (acceptance) => storedFailure(acceptance),
};
