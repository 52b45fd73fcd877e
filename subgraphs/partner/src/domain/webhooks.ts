import { randomUUID } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  decodeCursor,
  EVENT_TYPES,
  isUuid,
  notFound,
  pageSize,
  Problems,
  toConnection,
  writeAudit,
  type Clock,
  type Connection,
  type RelayedEvent,
  type Viewer,
} from '@partner-graph/platform';
import { deliverAfterCommit } from './webhook-delivery.js';
import { endpointUrlProblem, generateSigningSecret } from './webhook-transport.js';

export interface Actor {
  viewer: Viewer;
  requestId: string;
}

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

/** The per-request loader of delivery-log pages (`loaders.ts` builds it). */
export type AttemptPageLoader = DataLoader<{ endpointId: string; size: number; after: AttemptPosition | null }, WebhookAttemptRow[], string>;

/** The type of the event `sendTestWebhookEvent` sends; not subscribable, it goes to the one endpoint. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** How long a rotated-out secret keeps signing next to the new one. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

const MANAGE = { companyRole: ['GLOBAL_ADMIN'] } as const;
const ENDPOINT_COLUMNS = `id, partner_id AS "partnerId", url, event_types AS "eventTypes", CASE WHEN active THEN 'ACTIVE' ELSE 'PAUSED' END AS status,
  created_at AS "createdAt", updated_at AS "updatedAt", previous_secret_expires_at AS "previousSecretExpiresAt"`;

/** What the audit trail keeps of an endpoint: never its secret. */
const auditView = (row: WebhookEndpointRow) => ({ url: row.url, eventTypes: row.eventTypes, status: row.status });

/**
 * The partner's webhook endpoints (SPEC: event notifications): GLOBAL_ADMIN manages them, any
 * partner user reads them without secrets; another partner's endpoints answer like unknown ids.
 */
export class WebhookEndpoints {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly allowPrivateAddresses: boolean,
  ) {}

  async list(viewer: Viewer): Promise<WebhookEndpointRow[]> {
    const { partnerId } = authorize(viewer);
    return this.db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE partner_id = $1 ORDER BY created_at, id`, [partnerId]);
  }

  async create(actor: Actor, input: { url: string; eventTypes: string[] }): Promise<{ endpoint: WebhookEndpointRow; signingSecret: string }> {
    const viewer = authorize(actor.viewer, MANAGE);
    const problems = new Problems();
    const urlProblem = await endpointUrlProblem(input.url, this.allowPrivateAddresses);
    if (urlProblem) problems.add('VALIDATION_FAILED', urlProblem, 'url');
    this.checkEventTypes(problems, input.eventTypes);
    problems.throwIfAny();
    const signingSecret = generateSigningSecret();
    return this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const id = randomUUID();
      await manager.query(
        `INSERT INTO webhook_endpoint (id, partner_id, url, event_types, active, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, true, $5, $6, $6)`,
        [id, viewer.partnerId, input.url, [...new Set(input.eventTypes)], signingSecret, now],
      );
      const endpoint = await this.load(manager, viewer.partnerId, id);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'createWebhookEndpoint', resourceType: 'WebhookEndpoint', resourceId: id, newValue: auditView(endpoint) });
      return { endpoint, signingSecret };
    });
  }

  async update(actor: Actor, id: string, input: { eventTypes?: string[] | null; status?: WebhookEndpointStatus | null }): Promise<WebhookEndpointRow> {
    const viewer = authorize(actor.viewer, MANAGE);
    const problems = new Problems();
    if (input.eventTypes) this.checkEventTypes(problems, input.eventTypes);
    problems.throwIfAny();
    return this.db.transaction(async (manager) => {
      const before = await this.load(manager, viewer.partnerId, id, true);
      await manager.query(`UPDATE webhook_endpoint SET event_types = $2, active = $3, updated_at = $4 WHERE id = $1`, [
        id,
        input.eventTypes ? [...new Set(input.eventTypes)] : before.eventTypes,
        (input.status ?? before.status) === 'ACTIVE',
        this.clock.now(),
      ]);
      const after = await this.load(manager, viewer.partnerId, id);
      // Resumed: what it was owed while paused goes out now.
      if (after.status === 'ACTIVE' && before.status !== 'ACTIVE') deliverAfterCommit(manager, id);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'updateWebhookEndpoint', resourceType: 'WebhookEndpoint', resourceId: id, oldValue: auditView(before), newValue: auditView(after) });
      return after;
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<{ endpoint: WebhookEndpointRow; signingSecret: string }> {
    const viewer = authorize(actor.viewer, MANAGE);
    const signingSecret = generateSigningSecret();
    return this.db.transaction(async (manager) => {
      await this.load(manager, viewer.partnerId, id, true);
      const now = this.clock.now();
      await manager.query(
        `UPDATE webhook_endpoint SET previous_secret = secret, previous_secret_expires_at = $2, secret = $3, updated_at = $4 WHERE id = $1`,
        [id, new Date(now.getTime() + SECRET_OVERLAP_MS), signingSecret, now],
      );
      const endpoint = await this.load(manager, viewer.partnerId, id);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'rotateWebhookSecret', resourceType: 'WebhookEndpoint', resourceId: id, newValue: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt } });
      return { endpoint, signingSecret };
    });
  }

  async delete(actor: Actor, id: string): Promise<string> {
    const viewer = authorize(actor.viewer, MANAGE);
    return this.db.transaction(async (manager) => {
      const before = await this.load(manager, viewer.partnerId, id, true);
      await manager.query(`DELETE FROM webhook_endpoint WHERE id = $1`, [id]);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'deleteWebhookEndpoint', resourceType: 'WebhookEndpoint', resourceId: id, oldValue: auditView(before) });
      return id;
    });
  }

  /** A `webhook.test` event owed to this endpoint alone, delivered like any other. */
  async sendTestEvent(actor: Actor, id: string): Promise<string> {
    const viewer = authorize(actor.viewer, MANAGE);
    return this.db.transaction(async (manager) => {
      const endpoint = await this.load(manager, viewer.partnerId, id);
      const eventId = randomUUID();
      await manager.query(
        `INSERT INTO webhook_event (id, partner_id, type, object_type, object_id, occurred_at, data) VALUES ($1, $2, $3, 'WebhookEndpoint', $4, $5, $6)`,
        [eventId, viewer.partnerId, TEST_EVENT_TYPE, endpoint.id, this.clock.now(), { url: endpoint.url }],
      );
      await this.owe(manager, endpoint.id, eventId, endpoint.id);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'sendTestWebhookEvent', resourceType: 'WebhookEndpoint', resourceId: id, newValue: { eventId } });
      return eventId;
    });
  }

  /** A new delivery of an event this endpoint was owed, attempts counted afresh, the event id the same. */
  async redeliver(actor: Actor, endpointId: string, eventId: string): Promise<WebhookEndpointRow> {
    const viewer = authorize(actor.viewer, MANAGE);
    return this.db.transaction(async (manager) => {
      const endpoint = await this.load(manager, viewer.partnerId, endpointId, false, 'endpointId');
      const owed = isUuid(eventId)
        ? ((await manager.query(
            `SELECT e.object_id AS "objectId" FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id WHERE d.endpoint_id = $1 AND d.event_id = $2 LIMIT 1`,
            [endpointId, eventId],
          )) as { objectId: string }[])
        : [];
      if (!owed[0]) throw notFound('Event', 'eventId');
      await this.owe(manager, endpointId, eventId, owed[0].objectId);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'redeliverWebhookEvent', resourceType: 'WebhookEndpoint', resourceId: endpointId, newValue: { eventId } });
      return endpoint;
    });
  }

  /** Every attempt of every delivery to this endpoint, newest first, a page at a time (one statement for all endpoints of a request). */
  async deliveries(loaders: { webhookAttempts: AttemptPageLoader }, endpoint: WebhookEndpointRow, first: number | null | undefined, after: string | null | undefined): Promise<Connection<WebhookAttemptRow>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    let position: AttemptPosition | null = null;
    if (cursor) {
      const [at, id] = cursor;
      if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(at))) return toConnection([], size, () => []);
      position = { attemptedAt: at, id };
    }
    const rows = await loaders.webhookAttempts.load({ endpointId: endpoint.id, size: size + 1, after: position });
    return toConnection(rows, size, (row) => [row.attemptedAt.toISOString(), row.id]);
  }

  /**
   * The internal hand-over from a subgraph's outbox relay: each new event is owed to every
   * active endpoint of its partner that subscribes to its type. An id seen before is skipped,
   * so a relay that sends a batch again changes nothing.
   */
  async accept(events: RelayedEvent[]): Promise<number> {
    return this.db.transaction(async (manager) => {
      let fresh = 0;
      const endpoints = new Set<string>();
      for (const event of events) {
        if (!isUuid(event.id) || !isUuid(event.partnerId)) continue;
        const inserted: unknown[] = await manager.query(
          `INSERT INTO webhook_event (id, partner_id, type, object_type, object_id, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [event.id, event.partnerId, event.type, event.objectType, event.objectId, new Date(event.occurredAt), event.data],
        );
        if (inserted.length === 0) continue;
        fresh++;
        const owed = (await manager.query(
          `INSERT INTO webhook_delivery (id, endpoint_id, event_id, object_id, status, next_attempt_at)
           SELECT gen_random_uuid(), e.id, $1, $2, 'PENDING', now() FROM webhook_endpoint e
            WHERE e.partner_id = $3 AND e.active AND $4 = ANY(e.event_types)
            ORDER BY e.id
           RETURNING endpoint_id AS "endpointId"`,
          [event.id, event.objectId, event.partnerId, event.type],
        )) as { endpointId: string }[];
        for (const { endpointId } of owed) endpoints.add(endpointId);
      }
      for (const endpointId of endpoints) deliverAfterCommit(manager, endpointId);
      return fresh;
    });
  }

  private async owe(manager: EntityManager, endpointId: string, eventId: string, objectId: string): Promise<void> {
    await manager.query(
      `INSERT INTO webhook_delivery (id, endpoint_id, event_id, object_id, status, next_attempt_at) VALUES ($1, $2, $3, $4, 'PENDING', now())`,
      [randomUUID(), endpointId, eventId, objectId],
    );
    deliverAfterCommit(manager, endpointId);
  }

  private checkEventTypes(problems: Problems, eventTypes: string[]): void {
    if (eventTypes.length === 0) problems.add('VALIDATION_FAILED', 'Choose at least one event type', 'eventTypes');
    const unknown = eventTypes.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
    if (unknown.length > 0) problems.add('VALIDATION_FAILED', `Unknown event types: ${unknown.join(', ')}`, 'eventTypes');
  }

  /** The viewer's partner's endpoint; another partner's answers exactly like an unknown id. */
  private async load(manager: EntityManager, partnerId: string, id: string, lock = false, field = 'id'): Promise<WebhookEndpointRow> {
    if (!isUuid(id)) throw notFound('Webhook endpoint', field);
    const rows: WebhookEndpointRow[] = await manager.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1 AND partner_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, partnerId],
    );
    if (!rows[0]) throw notFound('Webhook endpoint', field);
    return rows[0];
  }
}
