import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { RelayedEvent } from '@partner-graph/platform';

export type WebhookEndpointStatus = 'ACTIVE' | 'PAUSED';

export interface WebhookEndpointRow {
  id: string;
  partnerId: string;
  url: string;
  eventTypes: string[];
  status: WebhookEndpointStatus;
  createdAt: Date;
  updatedAt: Date;
  previousSecretExpiresAt: Date | null;
}

export interface WebhookAttemptRow {
  id: string;
  attemptedAt: Date;
  eventId: string;
  eventType: string;
  attempt: number;
  httpStatus: number | null;
  latencyMs: number;
  outcome: 'SUCCEEDED' | 'RETRYING' | 'FAILED';
  nextRetryAt: Date | null;
  error: string | null;
}

/** Where a page of an endpoint's delivery log continues (newest first, ties by id). */
export interface AttemptPosition {
  attemptedAt: string;
  id: string;
}

const ENDPOINT_COLUMNS = `id, partner_id AS "partnerId", url, event_types AS "eventTypes", CASE WHEN active THEN 'ACTIVE' ELSE 'PAUSED' END AS status,
  created_at AS "createdAt", updated_at AS "updatedAt", previous_secret_expires_at AS "previousSecretExpiresAt"`;

/**
 * Webhook endpoints, the events owed to them and their deliveries. Every method takes an
 * optional `EntityManager` so a caller can join its transaction (and wake delivery after it).
 */
export class WebhookStore {
  constructor(private readonly db: DataSource) {}

  endpointsOf(partnerId: string, manager: EntityManager = this.db.manager): Promise<WebhookEndpointRow[]> {
    return manager.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE partner_id = $1 ORDER BY created_at, id`, [partnerId]);
  }

  /** The partner's endpoint (FOR UPDATE when `lock`); another partner's is null. */
  async endpoint(
    partnerId: string,
    id: string,
    lock: boolean,
    manager: EntityManager = this.db.manager,
  ): Promise<WebhookEndpointRow | null> {
    const rows: WebhookEndpointRow[] = await manager.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1 AND partner_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, partnerId],
    );
    return rows[0] ?? null;
  }

  async insertEndpoint(
    endpoint: { id: string; partnerId: string; url: string; eventTypes: string[]; secret: string; at: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO webhook_endpoint (id, partner_id, url, event_types, active, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, true, $5, $6, $6)`,
      [endpoint.id, endpoint.partnerId, endpoint.url, endpoint.eventTypes, endpoint.secret, endpoint.at],
    );
  }

  async updateEndpoint(
    id: string,
    changes: { eventTypes: string[]; active: boolean; at: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.query(`UPDATE webhook_endpoint SET event_types = $2, active = $3, updated_at = $4 WHERE id = $1`, [
      id,
      changes.eventTypes,
      changes.active,
      changes.at,
    ]);
  }

  /** The current secret becomes the previous one until `previousExpiresAt`. */
  async rotateSecret(
    id: string,
    secret: string,
    previousExpiresAt: Date,
    at: Date,
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.query(
      `UPDATE webhook_endpoint SET previous_secret = secret, previous_secret_expires_at = $2, secret = $3, updated_at = $4 WHERE id = $1`,
      [id, previousExpiresAt, secret, at],
    );
  }

  async deleteEndpoint(id: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`DELETE FROM webhook_endpoint WHERE id = $1`, [id]);
  }

  /** False when an event with this id was recorded before (a relay sending a batch again). */
  async insertEvent(
    event: Omit<RelayedEvent, 'occurredAt' | 'data'> & { occurredAt: Date; data: unknown },
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO webhook_event (id, partner_id, type, object_type, object_id, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.partnerId, event.type, event.objectType, event.objectId, event.occurredAt, event.data],
    );
    return inserted.length > 0;
  }

  /** The event owed to every active endpoint of its partner that subscribes to its type; returns those endpoints. */
  async oweToSubscribers(
    event: { id: string; partnerId: string; type: string; objectId: string },
    manager: EntityManager = this.db.manager,
  ): Promise<string[]> {
    const owed: { endpointId: string }[] = await manager.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, object_id, status, next_attempt_at)
       SELECT gen_random_uuid(), e.id, $1, $2, 'PENDING', now() FROM webhook_endpoint e
        WHERE e.partner_id = $3 AND e.active AND $4 = ANY(e.event_types)
        ORDER BY e.id
       RETURNING endpoint_id AS "endpointId"`,
      [event.id, event.objectId, event.partnerId, event.type],
    );
    return owed.map((row) => row.endpointId);
  }

  /** A new delivery of the event to one endpoint. */
  async owe(endpointId: string, eventId: string, objectId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, object_id, status, next_attempt_at) VALUES ($1, $2, $3, $4, 'PENDING', now())`,
      [randomUUID(), endpointId, eventId, objectId],
    );
  }

  /** The object of an event once owed to the endpoint, or null. */
  async owedObject(endpointId: string, eventId: string, manager: EntityManager = this.db.manager): Promise<string | null> {
    const rows: { objectId: string }[] = await manager.query(
      `SELECT e.object_id AS "objectId" FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id WHERE d.endpoint_id = $1 AND d.event_id = $2 LIMIT 1`,
      [endpointId, eventId],
    );
    return rows[0]?.objectId ?? null;
  }
}
