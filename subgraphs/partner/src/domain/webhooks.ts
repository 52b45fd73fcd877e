import { randomUUID } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  decodeCursor,
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
  type Actor,
} from '@partner-graph/platform';
import type { AttemptPosition, WebhookAttemptRow, WebhookEndpointRow, WebhookEndpointStatus, WebhookStore } from '../db/index.js';
import { attemptPosition, auditView, checkEventTypes, MANAGE_WEBHOOKS, SECRET_OVERLAP_MS, TEST_EVENT_TYPE } from './rules.js';
import { deliverAfterCommit } from './webhook-delivery.js';
import { endpointUrlProblem, generateSigningSecret } from './webhook-transport.js';

/** The per-request loader of delivery-log pages (`loaders.ts` builds it). */
export type AttemptPageLoader = DataLoader<
  { endpointId: string; size: number; after: AttemptPosition | null },
  WebhookAttemptRow[],
  string
>;

/**
 * The partner's webhook endpoints: GLOBAL_ADMIN manages them, any
 * partner user reads them without secrets; another partner's endpoints answer like unknown ids.
 */
export class WebhookEndpoints {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly store: WebhookStore,
    private readonly allowPrivateAddresses: boolean,
  ) {}

  async list(viewer: Viewer): Promise<WebhookEndpointRow[]> {
    const { partnerId } = authorize(viewer);
    return this.store.endpointsOf(partnerId);
  }

  async create(
    actor: Actor,
    input: { url: string; eventTypes: string[] },
  ): Promise<{ endpoint: WebhookEndpointRow; signingSecret: string }> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    const problems = new Problems();
    const urlProblem = await endpointUrlProblem(input.url, this.allowPrivateAddresses);
    if (urlProblem) problems.add('VALIDATION_FAILED', urlProblem, 'url');
    checkEventTypes(problems, input.eventTypes);
    problems.throwIfAny();
    const signingSecret = generateSigningSecret();
    return this.db.transaction(async (manager) => {
      const id = randomUUID();
      await this.store.insertEndpoint(
        {
          id,
          partnerId: viewer.partnerId,
          url: input.url,
          eventTypes: [...new Set(input.eventTypes)],
          secret: signingSecret,
          at: this.clock.now(),
        },
        manager,
      );
      const endpoint = await this.load(manager, viewer.partnerId, id);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation: 'createWebhookEndpoint', resourceType: 'WebhookEndpoint', resourceId: id, newValue: auditView(endpoint) },
      );
      return { endpoint, signingSecret };
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: { eventTypes?: string[] | null; status?: WebhookEndpointStatus | null },
  ): Promise<WebhookEndpointRow> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    const problems = new Problems();
    if (input.eventTypes) checkEventTypes(problems, input.eventTypes);
    problems.throwIfAny();
    return this.db.transaction(async (manager) => {
      const before = await this.load(manager, viewer.partnerId, id, true);
      await this.store.updateEndpoint(
        id,
        {
          eventTypes: input.eventTypes ? [...new Set(input.eventTypes)] : before.eventTypes,
          active: (input.status ?? before.status) === 'ACTIVE',
          at: this.clock.now(),
        },
        manager,
      );
      const after = await this.load(manager, viewer.partnerId, id);
      // Resumed: what it was owed while paused goes out now.
      if (after.status === 'ACTIVE' && before.status !== 'ACTIVE') deliverAfterCommit(manager, id);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'updateWebhookEndpoint',
          resourceType: 'WebhookEndpoint',
          resourceId: id,
          oldValue: auditView(before),
          newValue: auditView(after),
        },
      );
      return after;
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<{ endpoint: WebhookEndpointRow; signingSecret: string }> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    const signingSecret = generateSigningSecret();
    return this.db.transaction(async (manager) => {
      await this.load(manager, viewer.partnerId, id, true);
      const now = this.clock.now();
      await this.store.rotateSecret(id, signingSecret, new Date(now.getTime() + SECRET_OVERLAP_MS), now, manager);
      const endpoint = await this.load(manager, viewer.partnerId, id);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'rotateWebhookSecret',
          resourceType: 'WebhookEndpoint',
          resourceId: id,
          newValue: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt },
        },
      );
      return { endpoint, signingSecret };
    });
  }

  async delete(actor: Actor, id: string): Promise<string> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    return this.db.transaction(async (manager) => {
      const before = await this.load(manager, viewer.partnerId, id, true);
      await this.store.deleteEndpoint(id, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation: 'deleteWebhookEndpoint', resourceType: 'WebhookEndpoint', resourceId: id, oldValue: auditView(before) },
      );
      return id;
    });
  }

  /** A `webhook.test` event owed to this endpoint alone, delivered like any other. */
  async sendTestEvent(actor: Actor, id: string): Promise<string> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    return this.db.transaction(async (manager) => {
      const endpoint = await this.load(manager, viewer.partnerId, id);
      const eventId = randomUUID();
      await this.store.insertEvent(
        {
          id: eventId,
          partnerId: viewer.partnerId,
          type: TEST_EVENT_TYPE,
          objectType: 'WebhookEndpoint',
          objectId: endpoint.id,
          occurredAt: this.clock.now(),
          data: { url: endpoint.url },
        },
        manager,
      );
      await this.owe(manager, endpoint.id, eventId, endpoint.id);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation: 'sendTestWebhookEvent', resourceType: 'WebhookEndpoint', resourceId: id, newValue: { eventId } },
      );
      return eventId;
    });
  }

  /** A new delivery of an event this endpoint was owed, attempts counted afresh, the event id the same. */
  async redeliver(actor: Actor, endpointId: string, eventId: string): Promise<WebhookEndpointRow> {
    const viewer = authorize(actor.viewer, MANAGE_WEBHOOKS);
    return this.db.transaction(async (manager) => {
      const endpoint = await this.load(manager, viewer.partnerId, endpointId, false, 'endpointId');
      const objectId = isUuid(eventId) ? await this.store.owedObject(endpointId, eventId, manager) : null;
      if (objectId === null) throw notFound('Event', 'eventId');
      await this.owe(manager, endpointId, eventId, objectId);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation: 'redeliverWebhookEvent', resourceType: 'WebhookEndpoint', resourceId: endpointId, newValue: { eventId } },
      );
      return endpoint;
    });
  }

  /** Every attempt of every delivery to this endpoint, newest first, a page at a time (one statement for all endpoints of a request). */
  async deliveries(
    loaders: { webhookAttempts: AttemptPageLoader },
    endpoint: WebhookEndpointRow,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<WebhookAttemptRow>> {
    const size = pageSize(first);
    const position = attemptPosition(decodeCursor(after));
    if (position === 'none') return toConnection([], size, () => []);
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
        if (!(await this.store.insertEvent({ ...event, occurredAt: new Date(event.occurredAt) }, manager))) continue;
        fresh++;
        for (const endpointId of await this.store.oweToSubscribers(event, manager)) endpoints.add(endpointId);
      }
      for (const endpointId of endpoints) deliverAfterCommit(manager, endpointId);
      return fresh;
    });
  }

  private async owe(manager: EntityManager, endpointId: string, eventId: string, objectId: string): Promise<void> {
    await this.store.owe(endpointId, eventId, objectId, manager);
    deliverAfterCommit(manager, endpointId);
  }

  /** The viewer's partner's endpoint; another partner's answers exactly like an unknown id. */
  private async load(manager: EntityManager, partnerId: string, id: string, lock = false, field = 'id'): Promise<WebhookEndpointRow> {
    const endpoint = isUuid(id) ? await this.store.endpoint(partnerId, id, lock, manager) : null;
    if (!endpoint) throw notFound('Webhook endpoint', field);
    return endpoint;
  }
}
