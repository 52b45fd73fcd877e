import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { loaderById } from '@partner-graph/platform';
import { Partner, PartnerUser, type AttemptPosition, type PartnerRow, type PartnerUserRow, type WebhookAttemptRow } from './db/index.js';
import type { AttemptPageLoader } from './domain/webhooks.js';

export function createLoaders(db: DataSource) {
  return {
    partner: loaderById<PartnerRow>((ids) => db.getRepository(Partner).findBy({ id: In(ids) })),
    user: loaderById<PartnerUserRow>((ids) => db.getRepository(PartnerUser).findBy({ id: In(ids) })),
    webhookAttempts: attemptPageLoader(db),
  };
}

/**
 * Per request: the log pages of many endpoints, one statement per distinct page (`first`,
 * `after`), each endpoint's page cut by a lateral subquery.
 */
export function attemptPageLoader(db: DataSource): AttemptPageLoader {
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
        const params: unknown[] = [endpointIds, size];
        if (after) params.push(new Date(after.attemptedAt), after.id);
        const rows: (WebhookAttemptRow & { endpointId: string })[] = await db.query(
          `SELECT e.endpoint_id AS "endpointId", a.* FROM unnest($1::uuid[]) AS e(endpoint_id) CROSS JOIN LATERAL (
             SELECT id, attempted_at AS "attemptedAt", event_id AS "eventId", event_type AS "eventType", attempt, http_status AS "httpStatus",
                    latency_ms AS "latencyMs", outcome, next_retry_at AS "nextRetryAt", error
               FROM webhook_delivery_attempt
              WHERE endpoint_id = e.endpoint_id${after ? ' AND (attempted_at, id) < ($3, $4)' : ''}
              ORDER BY attempted_at DESC, id DESC LIMIT $2) a`,
          params,
        );
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
