import { GraphQLError } from 'graphql';
import { ServiceCallError, ServiceUnavailableError, type ServiceClient, type Viewer } from '@partner-graph/platform';

/** The offer subgraph's answer for one offer, for one partner in one country. */
export interface OfferAvailability {
  offerId: string;
  available: boolean;
  name: string | null;
  minQuantity: number | null;
  maxQuantity: number | null;
  isTrial: boolean | null;
  isAddOn: boolean | null;
  prerequisiteOfferIds: string[];
  term: string | null;
  billingCycle: string | null;
}

const QUERY = `query OfferAvailability($partnerId: ID!, $country: String!, $offerIds: [ID!]!) {
  offerAvailability(partnerId: $partnerId, country: $country, offerIds: $offerIds) {
    offerId available name minQuantity maxQuantity isTrial isAddOn prerequisiteOfferIds term billingCycle
  }
}`;

/** Asks the offer subgraph whether a partner may sell offers in a country. */
export class OfferCatalogue {
  constructor(private readonly services: ServiceClient) {}

  async availability(as: { viewer: Viewer; requestId: string }, partnerId: string, country: string, offerIds: string[]): Promise<OfferAvailability[]> {
    try {
      const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>('offer', QUERY, { partnerId, country, offerIds }, as);
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
