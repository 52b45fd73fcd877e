import type { DataSource } from 'typeorm';
import { recordEvent, writeAudit, type Clock, type EventType, type Viewer } from '@partner-graph/platform';
import { LicenceAssignment, Subscription, SubscriptionHistory, type SubscriptionRow } from '../db/index.js';
import { subscriptionEvent } from './events.js';
import { advanceLifecycle, DELETED_AFTER_DAYS, EXPIRED_DAYS, RENEWAL_NOTICE_DAYS } from './rules.js';

export const LIFECYCLE_QUEUE = 'subscription-lifecycle';

const SYSTEM: Viewer = { kind: 'system' };

const STATUS_EVENTS = {
  EXPIRED: 'subscription.expired',
  DISABLED: 'subscription.disabled',
  DELETED: 'subscription.deleted',
} as const satisfies Record<string, EventType>;

export interface LifecycleRun {
  noticesRecorded: number;
  subscriptionsChanged: number;
}

/**
 * The expiry lifecycle of SPEC §4.4, run by the scheduler. Idempotent and catch-up safe: it
 * processes everything due at `now` however late it runs, and two runs at once (replicas)
 * neither double a notice (unique key) nor a transition (row lock, state re-read).
 */
export class SubscriptionLifecycle {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async runLifecycle(now: Date = this.clock.now()): Promise<LifecycleRun> {
    const noticesRecorded = await this.recordRenewalNotices(now);
    let subscriptionsChanged = 0;
    for (const id of await this.dueIds(now)) {
      if (await this.advance(id, now)) subscriptionsChanged++;
    }
    return { noticesRecorded, subscriptionsChanged };
  }

  /**
   * Notices 60/30/7/1 days before the end date of a subscription that will not renew, each
   * recorded once per (subscription, end date, days before). A late run (or a term shorter
   * than 60 days) catches up on every threshold passed while the end date is still ahead.
   */
  private async recordRenewalNotices(now: Date): Promise<number> {
    // One statement, so each notice and its event are written together.
    const rows: unknown[] = await this.db.query(
      `WITH notices AS (
       INSERT INTO renewal_notice (subscription_id, customer_id, partner_id, end_date, days_before, recipients, recorded_at)
       SELECT s.id, s.customer_id, s.partner_id, s.end_date, d.days,
              CASE WHEN s.partner_id IS NULL THEN ARRAY['CUSTOMER_CONTACT'] ELSE ARRAY['CUSTOMER_CONTACT', 'PARTNER_ON_RECORD'] END,
              $1::timestamptz
       FROM subscription s CROSS JOIN unnest($2::int[]) AS d(days)
       WHERE (s.status = 'SUSPENDED' OR (s.status = 'ACTIVE' AND (NOT s.auto_renew OR s.is_trial)))
         AND s.end_date > $1::timestamptz
         AND s.end_date - make_interval(days => d.days) <= $1::timestamptz
       ON CONFLICT (subscription_id, end_date, days_before) DO NOTHING
       RETURNING id, subscription_id, customer_id, partner_id, end_date, days_before),
       events AS (
         INSERT INTO event_outbox (id, type, partner_id, object_type, object_id, occurred_at, data)
         SELECT gen_random_uuid(), 'subscription.renewal_notice_due', partner_id, 'CustomerSubscription', subscription_id::text, $3::timestamptz,
                jsonb_build_object('customerId', customer_id, 'endDate', end_date, 'daysBefore', days_before)
           FROM notices WHERE partner_id IS NOT NULL ORDER BY end_date, subscription_id, days_before DESC)
       SELECT id FROM notices`,
      [now, [...RENEWAL_NOTICE_DAYS], this.clock.now()],
    );
    return rows.length;
  }

  private async dueIds(now: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM subscription
       WHERE (status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1)
          OR (status = 'EXPIRED' AND end_date <= $1::timestamptz - make_interval(days => $2))
          OR (status = 'DISABLED' AND end_date <= $1::timestamptz - make_interval(days => $3))
       ORDER BY end_date, id`,
      [now, EXPIRED_DAYS, DELETED_AFTER_DAYS],
    );
    return rows.map((row) => row.id);
  }

  /** One subscription, under its row lock: re-reads the state so a concurrent run changes nothing twice. */
  private async advance(id: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const locked = await manager.findOne(Subscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) return false;
      const { next, steps } = advanceLifecycle(locked, now);
      if (steps.length === 0) return false;
      const updated: SubscriptionRow = { ...next, version: locked.version + 1, updatedAt: this.clock.now() };
      await manager.update(Subscription, { id }, { status: updated.status, startDate: updated.startDate, endDate: updated.endDate, version: updated.version, updatedAt: updated.updatedAt });
      // Day 120: deprovisioned, the customer's data (licence assignments) removed.
      if (updated.status === 'DELETED') await manager.delete(LicenceAssignment, { subscriptionId: id });
      const requestId = `lifecycle:${now.toISOString()}`;
      await manager.insert(
        SubscriptionHistory,
        steps.map((step) => ({
          subscriptionId: id,
          customerId: locked.customerId,
          occurredAt: now,
          actorKind: 'SYSTEM' as const,
          partnerId: null,
          userId: null,
          action: step.field === 'status' ? 'lifecycle' : 'autoRenew',
          field: step.field,
          oldValue: step.from,
          newValue: step.to,
          requestId,
        })),
      );
      await writeAudit(manager, { viewer: SYSTEM, requestId, clock: this.clock }, {
        partnerId: locked.partnerId,
        operation: 'subscriptionLifecycle',
        resourceType: 'CustomerSubscription',
        resourceId: id,
        customerId: locked.customerId,
        oldValue: { status: locked.status, startDate: locked.startDate, endDate: locked.endDate },
        newValue: { status: updated.status, startDate: updated.startDate, endDate: updated.endDate },
      });
      // One event per step, in order: a late run that expires and disables reports both.
      const statusSteps = steps.filter((step) => step.field === 'status');
      const events: { type: EventType; changes: typeof steps }[] = statusSteps.length
        ? statusSteps.map((step) => ({ type: STATUS_EVENTS[step.to as keyof typeof STATUS_EVENTS], changes: [step] }))
        : [{ type: 'subscription.renewed', changes: steps }];
      for (const event of events) {
        await recordEvent(manager, this.clock, subscriptionEvent(event.type, updated, { reason: 'lifecycle', changes: event.changes }));
      }
      return true;
    });
  }
}
