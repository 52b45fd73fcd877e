import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AttemptPosition, WebhookAttemptRow } from './webhook-store.js';

/**
 * The deliveries a run may attempt, once due and not held: pending, of an active endpoint, and the
 * oldest pending one of their object (so an object's events arrive in order). The run, its next
 * wake-up and the sweep read this one rule, so none wakes an endpoint for a delivery the run
 * cannot take (a later event of an object whose earlier one waits for its retry).
 */
const DELIVERABLE = `webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.active
  WHERE d.status = 'PENDING'
    AND NOT EXISTS (SELECT 1 FROM webhook_delivery p
                     WHERE p.endpoint_id = d.endpoint_id AND p.object_id = d.object_id AND p.status = 'PENDING' AND p.sequence < d.sequence)`;

/** A delivery its run holds for one attempt, with what the attempt sends and where. */
export interface LeasedDelivery {
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

/** What one attempt's request answered. */
export interface AttemptResult {
  succeeded: boolean;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

export type AttemptOutcome = 'SUCCEEDED' | 'RETRYING' | 'FAILED';

/**
 * Webhook deliveries and their attempt log: what is due, leases, outcomes, retention and the
 * backlog figures. Leases and outcomes are single statements (or their own transaction), so
 * several processes may run deliveries at once.
 */
export class DeliveryStore {
  constructor(private readonly db: DataSource) {}

  /** The endpoint's next delivery due now and not held by another run, or null. */
  async dueFor(endpointId: string): Promise<string | null> {
    const [due] = (await this.db.query(
      `SELECT d.id FROM ${DELIVERABLE} AND d.endpoint_id = $1 AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
          ORDER BY d.sequence LIMIT 1`,
      [endpointId],
    )) as { id: string }[];
    return due?.id ?? null;
  }

  /**
   * Seconds until the endpoint's next delivery may be attempted (its retry, or the end of another
   * run's lease; zero or less: now), or null when nothing is owed (or the endpoint is paused).
   */
  async secondsUntilNextFor(endpointId: string): Promise<number | null> {
    const [next] = (await this.db.query(
      `SELECT EXTRACT(EPOCH FROM min(GREATEST(d.next_attempt_at, COALESCE(d.lease_until, d.next_attempt_at))) - now())::float AS "inSeconds"
         FROM ${DELIVERABLE} AND d.endpoint_id = $1`,
      [endpointId],
    )) as { inSeconds: number | null }[];
    return next?.inSeconds ?? null;
  }

  /** Endpoints with a delivery due now that no run holds. */
  async endpointsWithDue(): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT d.endpoint_id AS "endpointId" FROM ${DELIVERABLE} AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())`,
    )) as { endpointId: string }[];
    return rows.map((row) => row.endpointId);
  }

  /** Deletes events whose deliveries have all ended, older than `retentionDays`, with their deliveries; returns how many events. */
  async purgeEnded(retentionDays: number): Promise<number> {
    return this.db.transaction(async (manager) => {
      const old = `SELECT v.id FROM webhook_event v
                    WHERE v.received_at < now() - make_interval(days => $1)
                      AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = v.id AND d.status = 'PENDING')`;
      await manager.query(`DELETE FROM webhook_delivery WHERE event_id IN (${old})`, [retentionDays]);
      const [, deleted] = (await manager.query(`DELETE FROM webhook_event WHERE id IN (${old})`, [retentionDays])) as [unknown, number];
      return deleted;
    });
  }

  /** Holds the delivery for `leaseSeconds` if it is still pending and no one else holds it (null otherwise). */
  async lease(id: string, leaseSeconds: number): Promise<LeasedDelivery | null> {
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
    return leased[0] ?? null;
  }

  /**
   * Releases the lease with the attempt's outcome, in one transaction with its log entry: delivered,
   * failed for good once `giveUpAfterSeconds` have passed since the first attempt, or pending again
   * in `retryInSeconds`.
   */
  async recordAttempt(
    delivery: LeasedDelivery,
    result: AttemptResult,
    timing: { giveUpAfterSeconds: number; retryInSeconds: number },
  ): Promise<AttemptOutcome> {
    const attempt = delivery.attempts + 1;
    return this.db.transaction(async (manager: EntityManager) => {
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
        [delivery.id, attempt, result.succeeded, timing.giveUpAfterSeconds, timing.retryInSeconds],
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
          result.error,
        ],
      );
      return outcome;
    });
  }

  /** Deliveries by status, kept for the retention period. */
  countsByStatus(): Promise<{ status: string; count: number }[]> {
    return this.db.query(`SELECT status, count(*)::int AS count FROM webhook_delivery GROUP BY status`);
  }

  /** Age in seconds of the oldest pending delivery (0 when none). */
  async oldestPendingAgeSeconds(): Promise<number> {
    const [row] = (await this.db.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS age FROM webhook_delivery WHERE status = 'PENDING'`,
    )) as { age: number }[];
    return row?.age ?? 0;
  }

  /** The last hour's attempts by outcome. */
  attemptsLastHourByOutcome(): Promise<{ outcome: string; count: number }[]> {
    return this.db.query(
      `SELECT outcome, count(*)::int AS count FROM webhook_delivery_attempt WHERE attempted_at > now() - interval '1 hour' GROUP BY outcome`,
    );
  }

  /**
   * A page of each endpoint's delivery log, newest first after `after`, in one statement (each
   * endpoint's page cut by a lateral subquery).
   */
  attemptPages(
    endpointIds: string[],
    size: number,
    after: AttemptPosition | null,
  ): Promise<(WebhookAttemptRow & { endpointId: string })[]> {
    const params: unknown[] = [endpointIds, size];
    if (after) params.push(new Date(after.attemptedAt), after.id);
    return this.db.query(
      `SELECT e.endpoint_id AS "endpointId", a.* FROM unnest($1::uuid[]) AS e(endpoint_id) CROSS JOIN LATERAL (
             SELECT id, attempted_at AS "attemptedAt", event_id AS "eventId", event_type AS "eventType", attempt, http_status AS "httpStatus",
                    latency_ms AS "latencyMs", outcome, next_retry_at AS "nextRetryAt", error
               FROM webhook_delivery_attempt
              WHERE endpoint_id = e.endpoint_id${after ? ' AND (attempted_at, id) < ($3, $4)' : ''}
              ORDER BY attempted_at DESC, id DESC LIMIT $2) a`,
      params,
    );
  }
}
