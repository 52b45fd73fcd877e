import {
  CREATE_CUSTOMER_ACCOUNT_MUTATION,
  CUSTOMER_ACCESS_QUERY,
  type CallContext,
  type CustomerAccessInfo,
  type CustomerAccountResult,
  type OfferAvailability,
  type PayloadError,
  type ServiceClient,
} from '@partner-graph/platform';
import type { RedemptionCustomer } from '../db/index.js';

/** The other subgraphs' internal fields this subgraph calls (SPEC §6), typed. */
export type { CustomerAccessInfo, CustomerAccountResult, OfferAvailability };

export interface SubscriptionSummary {
  id: string;
  status: string;
  endDate: string;
  offer: { id: string };
  customer: { id: string };
  /** for the viewer: RENEW_WITH_PRODUCT_KEY when its partner may renew this one with a key */
  allowedActions: string[];
}

export interface ExtendSubscriptionTermResult {
  subscriptionId: string | null;
  status: string | null;
  endDate: string | null;
  errors: PayloadError[];
}

const AVAILABILITY_FIELDS = 'offerId available name minQuantity maxQuantity isTrial isAddOn prerequisiteOfferIds term billingCycle';

// `country: null` asks "may the partner sell it at all, in any country".
const OFFER_ANYWHERE = `query OfferAnywhere($partnerId: ID!, $offerIds: [ID!]!) {
  offerAvailability(partnerId: $partnerId, country: null, offerIds: $offerIds) { ${AVAILABILITY_FIELDS} }
}`;
const OFFER_IN_COUNTRY = `query OfferInCountry($partnerId: ID!, $country: String!, $offerIds: [ID!]!) {
  anywhere: offerAvailability(partnerId: $partnerId, country: null, offerIds: $offerIds) { ${AVAILABILITY_FIELDS} }
  here: offerAvailability(partnerId: $partnerId, country: $country, offerIds: $offerIds) { ${AVAILABILITY_FIELDS} }
}`;
const SUBSCRIPTION = `query Subscription($id: ID!) {
  subscription(id: $id) { id status endDate offer { id } customer { id } allowedActions }
}`;
const SUBSCRIPTION_IDS = `query SubscriptionIds($customerId: ID!) { subscriptionIdsForCustomer(customerId: $customerId) }`;
const EXTEND_TERM = `mutation ExtendTerm($subscriptionId: ID!, $months: Int!, $idempotencyKey: String!) {
  extendSubscriptionTerm(subscriptionId: $subscriptionId, months: $months, idempotencyKey: $idempotencyKey) {
    subscriptionId status endDate errors { code message field }
  }
}`;

export class RemoteServices {
  constructor(private readonly services: ServiceClient) {}

  async offerAnywhere(as: CallContext, partnerId: string, offerId: string): Promise<OfferAvailability | null> {
    const data = await this.services.query<{ offerAvailability: OfferAvailability[] }>('offer', OFFER_ANYWHERE, { partnerId, offerIds: [offerId] }, as);
    return data.offerAvailability[0] ?? null;
  }

  async offerInCountry(as: CallContext, partnerId: string, country: string, offerId: string): Promise<{ anywhere: OfferAvailability | null; here: OfferAvailability | null }> {
    const data = await this.services.query<{ anywhere: OfferAvailability[]; here: OfferAvailability[] }>('offer', OFFER_IN_COUNTRY, { partnerId, country, offerIds: [offerId] }, as);
    return { anywhere: data.anywhere[0] ?? null, here: data.here[0] ?? null };
  }

  async customerAccess(as: CallContext, partnerId: string, customerId: string): Promise<CustomerAccessInfo | null> {
    const data = await this.services.query<{ customerAccess: CustomerAccessInfo[] }>('customer', CUSTOMER_ACCESS_QUERY, { partnerId, customerIds: [customerId] }, as);
    return data.customerAccess.find((c) => c.customerId === customerId) ?? null;
  }

  /** A new ADVISOR customer (the partner is partner of record) with one PRODUCT_KEY subscription of the keys' seats. */
  async createCustomerAccount(
    as: CallContext,
    account: { partnerId: string; customer: RedemptionCustomer; offerId: string; seats: number; termMonths: number; adminPasswordHash: string | null },
    idempotencyKey: string,
  ): Promise<CustomerAccountResult> {
    const c = account.customer;
    const input = {
      partnerId: account.partnerId,
      relationship: 'ADVISOR',
      companyName: c.companyName,
      domainPrefix: c.domainPrefix,
      country: c.country,
      addressLine1: c.addressLine1,
      city: c.city,
      postalCode: c.postalCode,
      contactFirstName: c.adminFirstName,
      contactLastName: c.adminLastName,
      contactEmail: c.adminEmail,
      contactPhone: c.adminPhone,
      includeDelegatedAdmin: false,
      adminPasswordHash: account.adminPasswordHash,
      subscriptions: [{ offerId: account.offerId, quantity: account.seats, channel: 'PRODUCT_KEY', termMonths: account.termMonths, isTrial: false }],
    };
    const data = await this.services.query<{ createCustomerAccount: CustomerAccountResult }>('customer', CREATE_CUSTOMER_ACCOUNT_MUTATION, { input, idempotencyKey }, as);
    return data.createCustomerAccount;
  }

  /** The subscription as the viewer sees it (null when unknown or not the viewer partner's customer's). */
  async subscription(as: CallContext, id: string): Promise<SubscriptionSummary | null> {
    const data = await this.services.query<{ subscription: SubscriptionSummary | null }>('subscription', SUBSCRIPTION, { id }, as);
    return data.subscription;
  }

  async subscriptionIdsForCustomer(as: CallContext, customerId: string): Promise<string[]> {
    const data = await this.services.query<{ subscriptionIdsForCustomer: string[] }>('subscription', SUBSCRIPTION_IDS, { customerId }, as);
    return data.subscriptionIdsForCustomer;
  }

  async extendSubscriptionTerm(as: CallContext, subscriptionId: string, months: number, idempotencyKey: string): Promise<ExtendSubscriptionTermResult> {
    const data = await this.services.query<{ extendSubscriptionTerm: ExtendSubscriptionTermResult }>('subscription', EXTEND_TERM, { subscriptionId, months, idempotencyKey }, as);
    return data.extendSubscriptionTerm;
  }
}
