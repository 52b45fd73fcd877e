import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock, EventSettings, Logger } from '@partner-graph/platform';
import { signatureHeader, WebhookSender } from './webhook-transport.js';

/** Production's delivery settings (Standard Webhooks' guidance: retries over about a day). */
export const DELIVERY_DEFAULTS = {
  deliveryIntervalMs: 1000,
  retryBaseSeconds: 5,
  retryMaxSeconds: 2 * 60 * 60,
  giveUpAfterSeconds: 24 * 60 * 60,
  requestTimeoutMs: 10_000,
  /** Attempts in flight at once in one process; each endpoint has at most one. */
  maxInFlight: 16,
};

/** The next retry's delay: doubling from `base` up to `max`, ±20 % jitter so receivers are not hit in waves. */
export function retryDelaySeconds(attempts: number, base: number, max: number, random: () => number = Math.random): number {
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return exponential * (0.8 + 0.4 * random());
}

interface DueDelivery {
  id: string;
  endpointId: string;
}

interface LeasedDelivery {
  id: string;
  attempts: number;
  endpointId: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  eventType: string;
  partnerId: string;
  objectType: string;
  objectId: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/**
 * Delivers what the partner's endpoints are owed. The delivery rows are the durable queue: a
 * row is leased while its attempt runs (a crashed attempt's lease lapses and it runs again),
 * and only the oldest pending delivery of an object per endpoint is due, so an object's events
 * arrive in order. Each endpoint has one attempt in flight at a time and every attempt has a
 * timeout, so a slow endpoint only ever slows itself.
 */
export class WebhookDelivery {
  private readonly settings: Required<Omit<EventSettings, 'relayIntervalMs' | 'allowPrivateAddresses'>> & { maxInFlight: number };
  private readonly sender: WebhookSender;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    settings: EventSettings = {},
  ) {
    this.settings = { ...DELIVERY_DEFAULTS, ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) } as typeof this.settings;
    this.sender = new WebhookSender({ allowPrivate: settings.allowPrivateAddresses ?? false, timeoutMs: this.settings.requestTimeoutMs });
  }

  get intervalMs(): number {
    return this.settings.deliveryIntervalMs;
  }

  /** Starts an attempt for each due delivery whose endpoint is free; does not wait for them. */
  async tick(): Promise<number> {
    const free = this.settings.maxInFlight - this.inFlight.size;
    if (free <= 0) return 0;
    const due: DueDelivery[] = await this.db.query(
      `SELECT DISTINCT ON (d.endpoint_id) d.id, d.endpoint_id AS "endpointId"
         FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.active
        WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery p
                           WHERE p.endpoint_id = d.endpoint_id AND p.object_id = d.object_id AND p.status = 'PENDING' AND p.sequence < d.sequence)
          AND NOT (d.endpoint_id = ANY($1::uuid[]))
        ORDER BY d.endpoint_id, d.sequence
        LIMIT $2`,
      [[...this.inFlight.keys()], free],
    );
    for (const { id, endpointId } of due) {
      const attempt = this.attempt(id)
        .catch((error) => this.logger.warn({ err: error, deliveryId: id }, 'webhook attempt failed to record; it will run again'))
        .finally(() => this.inFlight.delete(endpointId));
      this.inFlight.set(endpointId, attempt);
    }
    return due.length;
  }

  /** One attempt of one delivery, if it is still pending and no one else holds it. */
  async attempt(id: string): Promise<void> {
    // Longer than any attempt, so a lease only lapses when its process died.
    const leaseSeconds = Math.ceil(this.settings.requestTimeoutMs / 1000) * 3 + 30;
    const leased: LeasedDelivery[] = await this.db.query(
      `WITH leased AS (
         UPDATE webhook_delivery SET lease_until = now() + make_interval(secs => $2), first_attempt_at = COALESCE(first_attempt_at, now())
          WHERE id = $1 AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < now())
          RETURNING id, attempts, endpoint_id, event_id)
       SELECT l.id, l.attempts, w.id AS "endpointId", w.url, w.secret, w.previous_secret AS "previousSecret", w.previous_secret_expires_at AS "previousSecretExpiresAt",
              v.id AS "eventId", v.type AS "eventType", v.partner_id AS "partnerId", v.object_type AS "objectType", v.object_id AS "objectId", v.occurred_at AS "occurredAt", v.data
         FROM leased l JOIN webhook_endpoint w ON w.id = l.endpoint_id JOIN webhook_event v ON v.id = l.event_id`,
      [id, leaseSeconds],
    );
    const delivery = leased[0];
    if (!delivery) return;
    const secrets = [delivery.secret];
    if (delivery.previousSecret && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > this.clock.now()) secrets.push(delivery.previousSecret);
    const body = JSON.stringify({
      type: delivery.eventType,
      timestamp: delivery.occurredAt.toISOString(),
      data: { id: delivery.eventId, partnerId: delivery.partnerId, objectType: delivery.objectType, objectId: delivery.objectId, ...delivery.data },
    });
    // Receivers compare the signed timestamp with their own clock: it is the real time of sending.
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.send(delivery.url, {
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, delivery.eventId, timestamp, body),
    }, body);
    const succeeded = result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300;
    const attempt = delivery.attempts + 1;
    const delay = retryDelaySeconds(attempt, this.settings.retryBaseSeconds, this.settings.retryMaxSeconds);
    await this.db.transaction(async (manager) => {
      const [state] = (await manager.query(
        // In a CTE so the driver answers with the rows (a bare UPDATE answers [rows, count]).
        `WITH updated AS (
         UPDATE webhook_delivery
            SET attempts = $2, lease_until = NULL,
                status = CASE WHEN $3 THEN 'DELIVERED'
                              WHEN first_attempt_at + make_interval(secs => $4) <= now() THEN 'FAILED'
                              ELSE 'PENDING' END,
                next_attempt_at = CASE WHEN $3 THEN next_attempt_at ELSE now() + make_interval(secs => $5) END
          WHERE id = $1
          RETURNING status, next_attempt_at AS "nextAttemptAt")
         SELECT * FROM updated`,
        [delivery.id, attempt, succeeded, this.settings.giveUpAfterSeconds, delay],
      )) as { status: 'DELIVERED' | 'FAILED' | 'PENDING'; nextAttemptAt: Date }[];
      const outcome = state!.status === 'DELIVERED' ? 'SUCCEEDED' : state!.status === 'FAILED' ? 'FAILED' : 'RETRYING';
      await manager.query(
        `INSERT INTO webhook_delivery_attempt (id, delivery_id, endpoint_id, event_id, event_type, attempt, attempted_at, http_status, latency_ms, outcome, next_retry_at, error)
         VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9, $10, $11)`,
        [
          randomUUID(),
          delivery.id,
          delivery.endpointId,
          delivery.eventId,
          delivery.eventType,
          attempt,
          result.httpStatus,
          result.latencyMs,
          outcome,
          outcome === 'RETRYING' ? state!.nextAttemptAt : null,
          result.error ?? (succeeded ? null : `HTTP ${result.httpStatus}`),
        ],
      );
    });
  }

  /** Waits for the attempts in flight (a graceful stop), then closes the connections. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
    await this.sender.close();
  }
}
