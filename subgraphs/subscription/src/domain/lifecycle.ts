import type { DataSource } from 'typeorm';
import { recordEvent, writeAudit, type Clock, type Viewer } from '@partner-graph/platform';
import { SubscriptionStore, type SubscriptionRow } from '../db/index.js';
import { subscriptionEvent } from './events.js';
import { advanceLifecycle, DELETED_AFTER_DAYS, EXPIRED_DAYS, lifecycleEvents, RENEWAL_NOTICE_DAYS } from './rules.js';

export const LIFECYCLE_QUEUE = 'subscription-lifecycle';

const SYSTEM: Viewer = { kind: 'system' };

export interface LifecycleRun {
  noticesRecorded: number;
  subscriptionsChanged: number;
}

/**
 * The expiry lifecycle (docs/api.md, "Lifecycle"), run by the scheduler. Idempotent and catch-up safe: it
 * processes everything due at `now` however late it runs, and two runs at once (replicas)
 * neither double a notice (unique key) nor a transition (row lock, state re-read).
 */
export class SubscriptionLifecycle {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly store: SubscriptionStore = new SubscriptionStore(db),
  ) {}

  async runLifecycle(now: Date = this.clock.now()): Promise<LifecycleRun> {
    const noticesRecorded = await this.store.recordRenewalNotices(now, RENEWAL_NOTICE_DAYS, this.clock.now());
    let subscriptionsChanged = 0;
    for (const id of await this.store.dueForLifecycle(now, EXPIRED_DAYS, DELETED_AFTER_DAYS)) {
      if (await this.advance(id, now)) subscriptionsChanged++;
    }
    return { noticesRecorded, subscriptionsChanged };
  }

  /** One subscription, under its row lock: re-reads the state so a concurrent run changes nothing twice. */
  private async advance(id: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const locked = await this.store.lock(manager, id);
      if (!locked) return false;
      // A scheduled quantity never goes below the licences assigned when the renewal applies it.
      const assigned = locked.scheduledChange?.quantity !== undefined ? await this.store.assignedLicences(id, manager) : 0;
      const { next, steps } = advanceLifecycle(locked, now, assigned);
      if (steps.length === 0) return false;
      const updated: SubscriptionRow = { ...next, version: locked.version + 1, updatedAt: this.clock.now() };
      await this.store.update(
        id,
        {
          status: updated.status,
          startDate: updated.startDate,
          endDate: updated.endDate,
          quantity: updated.quantity,
          offerId: updated.offerId,
          friendlyName: updated.friendlyName,
          termMonths: updated.termMonths,
          billingCycle: updated.billingCycle,
          scheduledChange: updated.scheduledChange ?? null,
          version: updated.version,
          updatedAt: updated.updatedAt,
        },
        manager,
      );
      // Day 120: deprovisioned, the customer's data (licence assignments) removed.
      if (updated.status === 'DELETED') await this.store.unassignAll(id, manager);
      const requestId = `lifecycle:${now.toISOString()}`;
      await this.store.recordHistory(
        steps.map((step) => ({
          subscriptionId: id,
          customerId: locked.customerId,
          occurredAt: now,
          actorKind: 'SYSTEM' as const,
          partnerId: null,
          userId: null,
          action:
            step.field === 'status'
              ? 'lifecycle'
              : step.field === 'startDate' || step.field === 'endDate'
                ? 'autoRenew'
                : 'scheduledChange',
          field: step.field,
          oldValue: step.from,
          newValue: step.to,
          requestId,
        })),
        manager,
      );
      await writeAudit(
        manager,
        { viewer: SYSTEM, requestId, clock: this.clock },
        {
          partnerId: locked.partnerId,
          operation: 'subscriptionLifecycle',
          resourceType: 'CustomerSubscription',
          resourceId: id,
          customerId: locked.customerId,
          oldValue: { status: locked.status, startDate: locked.startDate, endDate: locked.endDate },
          newValue: { status: updated.status, startDate: updated.startDate, endDate: updated.endDate },
        },
      );
      for (const event of lifecycleEvents(steps)) {
        await recordEvent(manager, this.clock, subscriptionEvent(event.type, updated, { reason: 'lifecycle', changes: event.changes }));
      }
      return true;
    });
  }
}
