import { randomUUID } from 'node:crypto';
import { EntitySchema, IsNull, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { ServiceClient } from './service-client.js';
import { runAs } from './work.js';

/**
 * The transactional outbox of the partner's events (webhooks): a subgraph writes an event in
 * the same transaction as the change it reports, so none is lost (a crash after the commit
 * leaves the row) and none is invented (a rollback takes it away). The relay hands the rows,
 * in order, to the partner subgraph, which owns the partner's webhook endpoints and delivers.
 */
export interface OutboxEvent {
  id: string;
  sequence: string;
  type: string;
  partnerId: string;
  objectType: string;
  objectId: string;
  occurredAt: Date;
  /** The changed fields and what a receiver needs to act; never a secret. */
  data: object;
  relayedAt: Date | null;
}

export const EventOutboxEntity = new EntitySchema<OutboxEvent>({
  name: 'EventOutbox',
  tableName: 'event_outbox',
  columns: {
    id: { type: 'uuid', primary: true },
    sequence: { type: 'bigint', generated: 'increment' },
    type: { type: 'text' },
    partnerId: { type: 'uuid', name: 'partner_id' },
    objectType: { type: 'text', name: 'object_type' },
    objectId: { type: 'text', name: 'object_id' },
    occurredAt: { type: 'timestamptz', name: 'occurred_at' },
    data: { type: 'jsonb' },
    relayedAt: { type: 'timestamptz', name: 'relayed_at', nullable: true },
  },
});

/** Run by each subgraph's migration that adds events. */
export async function createEventOutboxTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE event_outbox (
      id uuid PRIMARY KEY,
      sequence bigserial NOT NULL UNIQUE,
      type text NOT NULL,
      partner_id uuid NOT NULL,
      object_type text NOT NULL,
      object_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      data jsonb NOT NULL,
      relayed_at timestamptz
    )`);
  await queryRunner.query(`CREATE INDEX event_outbox_unrelayed ON event_outbox (sequence) WHERE relayed_at IS NULL`);
}

export async function dropEventOutboxTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE event_outbox`);
}

/** The event types a partner can subscribe to; stable names, the contract with receivers. */
export const EVENT_TYPES = [
  'customer.created',
  'customer.provisioned',
  'customer.provisioning_failed',
  'subscription.added',
  'subscription.quantity_changed',
  'subscription.suspended',
  'subscription.activated',
  'subscription.renewed',
  'subscription.expired',
  'subscription.disabled',
  'subscription.deleted',
  'subscription.renewal_notice_due',
  'licence.assigned',
  'licence.unassigned',
  'product_key.redeemed',
  'trial_invitation.accepted',
  'purchase_offer.accepted',
  'delegated_admin.accepted',
  'delegated_admin.terminated',
  'delegated_admin.expired',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  type: EventType;
  partnerId: string | null;
  objectType: string;
  objectId: string;
  data: Record<string, unknown>;
}

/**
 * Writes an event in the caller's transaction. An object that belongs to no partner (a
 * direct-billing subscription) has no one to notify, so nothing is written.
 */
export async function recordEvent(manager: EntityManager, clock: Clock, event: NewEvent): Promise<void> {
  if (!event.partnerId) return;
  await manager.insert(EventOutboxEntity, {
    id: randomUUID(),
    type: event.type,
    partnerId: event.partnerId,
    objectType: event.objectType,
    objectId: event.objectId,
    occurredAt: clock.now(),
    data: event.data,
  });
}

/** An event as it travels to the partner subgraph (`acceptPartnerEvents`) and to receivers. */
export interface RelayedEvent {
  id: string;
  type: string;
  partnerId: string;
  objectType: string;
  objectId: string;
  occurredAt: string;
  /** JSON-encoded `data`. */
  data: string;
}

const ACCEPT_EVENTS = `mutation AcceptPartnerEvents($events: [PartnerEventInput!]!) { acceptPartnerEvents(events: $events) }`;

/** Hands this subgraph's outbox to the partner subgraph, oldest first; returns how many. */
export async function relayEvents(db: DataSource, services: ServiceClient, batchSize = 100): Promise<number> {
  return db.transaction(async (manager) => {
    // One relay at a time per database keeps the order; other replicas skip this round.
    const [lock] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('event_outbox_relay')) AS locked`)) as { locked: boolean }[];
    if (!lock?.locked) return 0;
    const rows = await manager.getRepository(EventOutboxEntity).find({ where: { relayedAt: IsNull() }, order: { sequence: 'ASC' }, take: batchSize });
    if (rows.length === 0) return 0;
    const events: RelayedEvent[] = rows.map((row) => ({
      id: row.id,
      type: row.type,
      partnerId: row.partnerId,
      objectType: row.objectType,
      objectId: row.objectId,
      occurredAt: row.occurredAt.toISOString(),
      data: JSON.stringify(row.data),
    }));
    // The partner subgraph ignores an event id it already has: a crash after its commit and
    // before ours sends the batch again, harmlessly (at least once, never twice downstream).
    await services.query('partner', ACCEPT_EVENTS, { events }, { viewer: { kind: 'system' }, requestId: `relay-${randomUUID()}` });
    await manager.query(`UPDATE event_outbox SET relayed_at = now() WHERE id = ANY($1)`, [rows.map((row) => row.id)]);
    return rows.length;
  });
}

/**
 * Runs `tick` every `intervalMs` until stopped, never two at once; a failed tick is logged and
 * the next one tries again. The rows it works on are the durable state, so a restart resumes.
 */
export function startPoller(name: string, tick: () => Promise<unknown>, intervalMs: number, logger: Logger): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = (async () => {
      try {
        await runAs('background', tick);
      } catch (error) {
        if (!stopped) logger.warn({ err: error, poller: name }, 'poller tick failed; it will run again');
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    })();
  };
  timer = setTimeout(run, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/** The outbox relay a subgraph's workers start. */
export function startEventRelay(runtime: { db: DataSource; services: ServiceClient; logger: Logger; events?: EventSettings }): () => Promise<void> {
  return startPoller('event-relay', async () => {
    while ((await relayEvents(runtime.db, runtime.services)) > 0);
  }, runtime.events?.relayIntervalMs ?? 1000, runtime.logger);
}

/** How events are relayed and delivered; the defaults are production's, tests shorten them. */
export interface EventSettings {
  relayIntervalMs?: number;
  /** How often the partner subgraph looks for due deliveries. */
  deliveryIntervalMs?: number;
  /** Loopback and private receivers (development and tests); never in production. */
  allowPrivateAddresses?: boolean;
  /** First retry delay; each next one doubles (with jitter) up to `retryMaxSeconds`. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /** After this long since the first attempt, a delivery is marked failed. */
  giveUpAfterSeconds?: number;
  requestTimeoutMs?: number;
}
