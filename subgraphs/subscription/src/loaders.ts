import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import {
  CustomerAccessDocument,
  isUuid,
  loaderById,
  loaderByParent,
  OfferAvailabilityDocument,
  type CustomerAccessInfo,
  type OfferAvailability,
  type ServiceClient,
  type Viewer,
} from '@partner-graph/platform';
import {
  LicenceAssignment,
  Subscription,
  SubscriptionHistory,
  type LicenceAssignmentRow,
  type SubscriptionHistoryRow,
  type SubscriptionRow,
} from './db/index.js';

/** The subscription table's columns under their entity names, for reads that skip TypeORM. */
const subscriptionColumns = new WeakMap<DataSource, string>();
const columnsOf = (db: DataSource): string => {
  let columns = subscriptionColumns.get(db);
  if (!columns) {
    columns = db
      .getMetadata(Subscription)
      .columns.map((column) => `${column.databaseName} AS "${column.propertyName}"`)
      .join(', ');
    subscriptionColumns.set(db, columns);
  }
  return columns;
};

export function createLoaders(db: DataSource, services: ServiceClient, as: { viewer: Viewer; requestId: string }) {
  return {
    subscription: loaderById<SubscriptionRow>((ids) => db.getRepository(Subscription).findBy({ id: In(ids) })),
    // The dashboard's hot read, in plain SQL: TypeORM's query building and entity mapping cost
    // 1.4 ms of CPU for 100 rows, this 0.9 ms (same rows, same types).
    subscriptionsByCustomer: loaderByParent<SubscriptionRow>(
      (row) => row.customerId,
      (ids) => db.query(`SELECT ${columnsOf(db)} FROM subscription WHERE customer_id = ANY($1::uuid[]) ORDER BY created_at, id`, [ids]),
    ),
    licenceAssignments: loaderByParent<LicenceAssignmentRow>(
      (row) => row.subscriptionId,
      (ids) =>
        db
          .getRepository(LicenceAssignment)
          .find({ where: { subscriptionId: In(ids) }, order: { assignedAt: 'ASC', customerUserId: 'ASC' } }),
    ),
    history: loaderByParent<SubscriptionHistoryRow>(
      (row) => row.subscriptionId,
      (ids) => db.getRepository(SubscriptionHistory).find({ where: { subscriptionId: In(ids) }, order: { seq: 'ASC' } }),
    ),
    /** The viewer's partner's access to customers: one call to the customer subgraph per batch. */
    customerAccess: new DataLoader<string, CustomerAccessInfo | null>(async (ids) => {
      const viewer = as.viewer;
      if (viewer.kind !== 'partner-user') return ids.map(() => null);
      const valid = [...new Set(ids.filter(isUuid))];
      if (valid.length === 0) return ids.map(() => null);
      const { customerAccess } = await services.query(
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
            await services.query('offer', OfferAvailabilityDocument, { partnerId: viewer.partnerId, country, offerIds }, as)
          ).offerAvailability.map((offer): [string, OfferAvailability] => [`${country}:${offer.offerId}`, offer]),
        ),
      );
      const found = new Map(answers.flat());
      return keys.map((key) => found.get(key) ?? null);
    }),
    /** The subscriptions that replaced others (direct-billing renewals), by the one they replaced. */
    replacements: loaderByParent<SubscriptionRow>(
      (row) => row.renewedFromId!,
      (ids) => db.getRepository(Subscription).find({ where: { renewedFromId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
