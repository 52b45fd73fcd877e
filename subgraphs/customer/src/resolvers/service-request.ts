import type { ServiceRequestResolvers } from '../__generated__/resolvers-types.js';

export const ServiceRequest: ServiceRequestResolvers = {
  customer: async (request, _args, { loaders }) => (await loaders.customer.load(request.customerId))!,
  notes: (request, _args, { loaders }) => loaders.notesOfServiceRequest.load(request.id),
};
