import { randomUUID } from 'node:crypto';
import { EntitySchema, IsNull, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { Clock } from './clock.js';
import type { ServiceClient } from './service-client.js';
import { AcceptPartnerEventsDocument } from './service-documents.js';
import { sendAfterCommit, type JobBundle } from './jobs.js';

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
  'subscription.upgraded',
  'subscription.trial_converted',
  'subscription.cancelled',
  'subscription.change_scheduled',
  'subscription.scheduled_change_removed',
  'subscription.scheduled_change_applied',
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
  sendAfterCommit(manager, EVENT_RELAY_QUEUE, {}, { singletonKey: RELAY_KEY });
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

/** Hands this subgraph's outbox to the partner subgraph, oldest first; returns how many. */
export async function relayEvents(db: DataSource, services: ServiceClient, batchSize = 100): Promise<number> {
  return db.transaction(async (manager) => {
    // One relay at a time per database keeps the order; other replicas skip this round.
    const [lock] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('event_outbox_relay')) AS locked`)) as {
      locked: boolean;
    }[];
    if (!lock?.locked) return 0;
    const rows = await manager
      .getRepository(EventOutboxEntity)
      .find({ where: { relayedAt: IsNull() }, order: { sequence: 'ASC' }, take: batchSize });
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
    await services.call(
      'partner',
      AcceptPartnerEventsDocument,
      { events },
      { viewer: { kind: 'system' }, requestId: `relay-${randomUUID()}` },
    );
    await manager.query(`UPDATE event_outbox SET relayed_at = now() WHERE id = ANY($1)`, [rows.map((row) => row.id)]);
    return rows.length;
  });
}

export const EVENT_RELAY_QUEUE = 'event-relay';
export const EVENT_OUTBOX_PURGE_QUEUE = 'event-outbox-purge';
const RELAY_KEY = 'relay';
/** Relayed rows are kept this long (to look into a delivery), then purged. */
const OUTBOX_RETENTION_DAYS = 7;

/**
 * The outbox relay as jobs of the subgraph's queue: a transaction that records an event wakes
 * it once committed, a sweep every minute relays what a lost wake-up left behind (a crash
 * right after the commit), and one relay runs at a time per subgraph (in order). `start`
 * relays what an earlier run left, at once.
 */
export function eventRelayJobs(runtime: { db: DataSource; serviceClient: ServiceClient; events?: EventSettings }): JobBundle {
  return {
    handlers: {
      [EVENT_RELAY_QUEUE]: {
        policy: 'stately',
        // The partner subgraph restarting: try again soon, then less and less often.
        retryDelaySeconds: 1,
        run: async () => {
          while ((await relayEvents(runtime.db, runtime.serviceClient)) > 0);
        },
      },
      [EVENT_OUTBOX_PURGE_QUEUE]: async () => {
        await runtime.db.query(`DELETE FROM event_outbox WHERE relayed_at < now() - make_interval(days => $1)`, [OUTBOX_RETENTION_DAYS]);
      },
    },
    schedules: [
      { queue: EVENT_RELAY_QUEUE, cron: '* * * * *', singletonKey: RELAY_KEY },
      { queue: EVENT_OUTBOX_PURGE_QUEUE, cron: '41 3 * * *' },
    ],
    start: (queue) => queue.send(EVENT_RELAY_QUEUE, {}, { singletonKey: RELAY_KEY }),
  };
}

/** How events are relayed and delivered; the defaults are production's, tests shorten them. */
export interface EventSettings {
  /** How often the subgraph's job queue looks for due jobs NOTIFY did not announce (15 s by default). */
  pollingIntervalSeconds?: number;
  /** Loopback and private receivers (development and tests); never in production. */
  allowPrivateAddresses?: boolean;
  /** First retry delay; each next one doubles (with jitter) up to `retryMaxSeconds`. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /** After this long since the first attempt, a delivery is marked failed. */
  giveUpAfterSeconds?: number;
  requestTimeoutMs?: number;
}
