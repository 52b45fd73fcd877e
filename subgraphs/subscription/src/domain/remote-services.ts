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
    const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>(
      'offer',
      OFFER_AVAILABILITY_QUERY,
      { partnerId, country, offerIds: [offerId] },
      as,
    );
    const found = data.offerAvailability.find((entry) => entry.offerId === offerId);
    return found ?? unavailableOffer(offerId);
  }
}
