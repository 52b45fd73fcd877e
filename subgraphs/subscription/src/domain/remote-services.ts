import type { CallContext, ServiceClient } from '@partner-graph/platform';

/** What the customer subgraph says about a customer, for one partner (internal contract). */
export interface CustomerAccessInfo {
  customerId: string;
  country: string;
  provisioningState: 'PROVISIONING' | 'ACTIVE' | 'FAILED';
  relationship: 'RESELLER' | 'ADVISOR' | 'DELEGATED_ADMIN';
  hasAdminRights: boolean;
}

export interface CustomerUserInfo {
  id: string;
  customerId: string;
  isAdmin: boolean;
  deleted: boolean;
}

/** What the offer subgraph says about an offer, for one partner and country (internal contract). */
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

/** The customer and offer subgraphs' internal fields, called with the caller's signed context. */
export class RemoteServices {
  constructor(private readonly services: ServiceClient) {}

  async customerAccess(as: CallContext, partnerId: string, customerIds: string[]): Promise<CustomerAccessInfo[]> {
    if (customerIds.length === 0) return [];
    const data = await this.services.query<{ customerAccess: CustomerAccessInfo[] }>(
      'customer',
      `query($partnerId: ID!, $customerIds: [ID!]!) {
        customerAccess(partnerId: $partnerId, customerIds: $customerIds) { customerId country provisioningState relationship hasAdminRights }
      }`,
      { partnerId, customerIds },
      as,
    );
    return data.customerAccess;
  }

  async customerUsersById(as: CallContext, customerId: string, userIds: string[]): Promise<CustomerUserInfo[]> {
    const data = await this.services.query<{ customerUsersById: CustomerUserInfo[] }>(
      'customer',
      `query($customerId: ID!, $userIds: [ID!]!) {
        customerUsersById(customerId: $customerId, userIds: $userIds) { id customerId isAdmin deleted }
      }`,
      { customerId, userIds },
      as,
    );
    return data.customerUsersById;
  }

  async offerAvailability(as: CallContext, partnerId: string, country: string, offerId: string): Promise<OfferAvailability> {
    const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>(
      'offer',
      `query($partnerId: ID!, $country: String!, $offerIds: [ID!]!) {
        offerAvailability(partnerId: $partnerId, country: $country, offerIds: $offerIds) {
          offerId available name minQuantity maxQuantity isTrial isAddOn prerequisiteOfferIds term billingCycle
        }
      }`,
      { partnerId, country, offerIds: [offerId] },
      as,
    );
    const found = data.offerAvailability.find((entry) => entry.offerId === offerId);
    return found ?? { offerId, available: false, name: null, minQuantity: null, maxQuantity: null, isTrial: null, isAddOn: null, prerequisiteOfferIds: [], term: null, billingCycle: null };
  }
}
