import DataLoader from 'dataloader';
import { loaderById } from '@partner-graph/platform';
import type { AttemptPosition, DeliveryStore, PartnerRow, PartnerUserRow, WebhookAttemptRow } from './db/index.js';
import type { AttemptPageLoader } from './domain/webhooks.js';
import type { PartnerStores } from './services.js';

export function createLoaders(stores: PartnerStores) {
  return {
    partner: loaderById<PartnerRow>((ids) => stores.partners.partnersByIds(ids)),
    user: loaderById<PartnerUserRow>((ids) => stores.partners.usersByIds(ids)),
    webhookAttempts: attemptPageLoader(stores.deliveries),
  };
}

/**
 * Per request: the log pages of many endpoints, one statement per distinct page (`first`,
 * `after`), each endpoint's page cut by a lateral subquery.
 */
export function attemptPageLoader(deliveries: DeliveryStore): AttemptPageLoader {
  return new DataLoader(
    async (keys) => {
      const pages = new Map<string, WebhookAttemptRow[]>();
      const groups = new Map<string, { size: number; after: AttemptPosition | null; endpointIds: string[] }>();
      for (const key of keys) {
        const group = JSON.stringify([key.size, key.after]);
        if (!groups.has(group)) groups.set(group, { size: key.size, after: key.after, endpointIds: [] });
        groups.get(group)!.endpointIds.push(key.endpointId);
      }
      for (const [group, { size, after, endpointIds }] of groups) {
        const rows = await deliveries.attemptPages(endpointIds, size, after);
        for (const { endpointId, ...row } of rows) {
          const key = `${group}:${endpointId}`;
          if (!pages.has(key)) pages.set(key, []);
          pages.get(key)!.push(row);
        }
      }
      return keys.map((key) => pages.get(`${JSON.stringify([key.size, key.after])}:${key.endpointId}`) ?? []);
    },
    { cacheKeyFn: (key) => JSON.stringify(key) },
  );
}

export type Loaders = ReturnType<typeof createLoaders>;
