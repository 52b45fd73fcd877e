import { GraphQLError } from 'graphql';
import { OFFER_AVAILABILITY_QUERY, ServiceCallError, ServiceUnavailableError, type OfferAvailability, type ServiceClient, type Viewer } from '@partner-graph/platform';

export type { OfferAvailability };

/** Asks the offer subgraph whether a partner may sell offers in a country. */
export class OfferCatalogue {
  constructor(private readonly services: ServiceClient) {}

  async availability(as: { viewer: Viewer; requestId: string }, partnerId: string, country: string, offerIds: string[]): Promise<OfferAvailability[]> {
    try {
      const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>('offer', OFFER_AVAILABILITY_QUERY, { partnerId, country, offerIds }, as);
      return data.offerAvailability;
    } catch (error) {
      if (error instanceof ServiceUnavailableError || error instanceof ServiceCallError) {
        // The form cannot be checked right now: the client may retry; nothing was created.
        throw new GraphQLError('The offer catalogue is unavailable; try again shortly', { extensions: { code: 'SERVICE_UNAVAILABLE' }, originalError: error });
      }
      throw error;
    }
  }
}
