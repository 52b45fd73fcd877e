import DataLoader from 'dataloader';
import {
  CustomerAccessDocument,
  isUuid,
  loaderById,
  loaderByParent,
  OfferAvailabilityDocument,
  type Actor,
  type CustomerAccessInfo,
  type OfferAvailability,
  type ServiceClient,
} from '@partner-graph/platform';
import type { LicenceAssignmentRow, SubscriptionHistoryRow, SubscriptionRow, SubscriptionStore } from './db/index.js';

export function createLoaders(store: SubscriptionStore, services: ServiceClient, as: Actor) {
  return {
    subscription: loaderById<SubscriptionRow>((ids) => store.byIds(ids)),
    subscriptionsByCustomer: loaderByParent<SubscriptionRow>(
      (row) => row.customerId,
      (ids) => store.ofCustomers(ids),
    ),
    licenceAssignments: loaderByParent<LicenceAssignmentRow>(
      (row) => row.subscriptionId,
      (ids) => store.licenceAssignmentsOf(ids),
    ),
    history: loaderByParent<SubscriptionHistoryRow>(
      (row) => row.subscriptionId,
      (ids) => store.historyOf(ids),
    ),
    /** The viewer's partner's access to customers: one call to the customer subgraph per batch. */
    customerAccess: new DataLoader<string, CustomerAccessInfo | null>(async (ids) => {
      const viewer = as.viewer;
      if (viewer.kind !== 'partner-user') return ids.map(() => null);
      const valid = [...new Set(ids.filter(isUuid))];
      if (valid.length === 0) return ids.map(() => null);
      const { customerAccess } = await services.call(
        'customer',
        CustomerAccessDocument,
        { partnerId: viewer.partnerId, customerIds: valid },
        as,
      );
      const found = new Map(customerAccess.map((info) => [info.customerId, info]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    /** Whether (and within which quantities) the viewer's partner may sell offers, keyed `country:offerId`: one call per country. */
    offerAvailability: new DataLoader<string, OfferAvailability | null>(async (keys) => {
      const viewer = as.viewer;
      if (viewer.kind !== 'partner-user') return keys.map(() => null);
      const byCountry = new Map<string, string[]>();
      for (const key of new Set(keys)) {
        const [country, offerId] = key.split(':') as [string, string];
        byCountry.set(country, [...(byCountry.get(country) ?? []), offerId]);
      }
      const answers = await Promise.all(
        [...byCountry].map(async ([country, offerIds]) =>
          (
            await services.call('offer', OfferAvailabilityDocument, { partnerId: viewer.partnerId, country, offerIds }, as)
          ).offerAvailability.map((offer): [string, OfferAvailability] => [`${country}:${offer.offerId}`, offer]),
        ),
      );
      const found = new Map(answers.flat());
      return keys.map((key) => found.get(key) ?? null);
    }),
    /** The subscriptions that replaced others (direct-billing renewals), by the one they replaced. */
    replacements: loaderByParent<SubscriptionRow>(
      (row) => row.renewedFromId!,
      (ids) => store.replacementsOf(ids),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
