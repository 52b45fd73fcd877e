import {
  CUSTOMER_ACCESS_QUERY,
  CUSTOMER_USERS_BY_ID_QUERY,
  OFFER_AVAILABILITY_QUERY,
  unavailableOffer,
  type CallContext,
  type CustomerAccessInfo,
  type CustomerUserInfo,
  type OfferAvailability,
  type ServiceClient,
} from '@partner-graph/platform';

export type { CustomerAccessInfo, CustomerUserInfo, OfferAvailability };

/** The customer and offer subgraphs' internal fields, called with the caller's signed context. */
export class RemoteServices {
  constructor(private readonly services: ServiceClient) {}

  async customerAccess(as: CallContext, partnerId: string, customerIds: string[]): Promise<CustomerAccessInfo[]> {
    if (customerIds.length === 0) return [];
    const data = await this.services.query<{ customerAccess: CustomerAccessInfo[] }>(
      'customer',
      CUSTOMER_ACCESS_QUERY,
      { partnerId, customerIds },
      as,
    );
    return data.customerAccess;
  }

  async customerUsersById(as: CallContext, customerId: string, userIds: string[]): Promise<CustomerUserInfo[]> {
    const data = await this.services.query<{ customerUsersById: CustomerUserInfo[] }>(
      'customer',
      CUSTOMER_USERS_BY_ID_QUERY,
      { customerId, userIds },
      as,
    );
    return data.customerUsersById;
  }

  async offerAvailability(as: CallContext, partnerId: string, country: string, offerId: string): Promise<OfferAvailability> {
    const [found] = await this.offersAvailability(as, partnerId, country, [offerId]);
    return found!;
  }

  /** One answer per offer id, in order (unknown ones unavailable). */
  async offersAvailability(as: CallContext, partnerId: string, country: string, offerIds: string[]): Promise<OfferAvailability[]> {
    const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>('offer', OFFER_AVAILABILITY_QUERY, { partnerId, country, offerIds }, as);
    const found = new Map(data.offerAvailability.map((entry) => [entry.offerId, entry]));
    return offerIds.map((offerId) => found.get(offerId) ?? unavailableOffer(offerId));
  }
}
