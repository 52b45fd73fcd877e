import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  LicenceAssignment,
  ReleasedLicence,
  RenewalNotice,
  Subscription,
  SubscriptionHistory,
  type LicenceAssignmentRow,
  type ReleasedLicenceRow,
  type RenewalNoticeRow,
  type SubscriptionHistoryRow,
  type SubscriptionRow,
} from './entities.js';

type Changes = Partial<Omit<SubscriptionRow, 'id' | 'customerId' | 'partnerId' | 'channel' | 'renewedFromId' | 'createdAt'>>;

/**
 * Subscriptions, their licence assignments, the licences kept aside for a restore and their
 * history. Every method takes an optional `EntityManager` so a caller can join its transaction.
 */
export class SubscriptionStore {
  /** The subscription table's columns under their entity names, for reads that skip TypeORM (built at the first). */
  private columns: string | null = null;

  constructor(private readonly db: DataSource) {}

  byIds(ids: string[], manager: EntityManager = this.db.manager): Promise<SubscriptionRow[]> {
    return manager.findBy(Subscription, { id: In(ids) });
  }

  /**
   * The customers' subscriptions, oldest first. The dashboard's hot read, in plain SQL: TypeORM's
   * query building and entity mapping cost 1.4 ms of CPU for 100 rows, this 0.9 ms (same rows, same types).
   */
  ofCustomers(customerIds: string[], manager: EntityManager = this.db.manager): Promise<SubscriptionRow[]> {
    this.columns ??= this.db
      .getMetadata(Subscription)
      .columns.map((column) => `${column.databaseName} AS "${column.propertyName}"`)
      .join(', ');
    return manager.query(`SELECT ${this.columns} FROM subscription WHERE customer_id = ANY($1::uuid[]) ORDER BY created_at, id`, [
      customerIds,
    ]);
  }

  /** The subscriptions that replaced these (direct-billing renewals), oldest first. */
  replacementsOf(ids: string[], manager: EntityManager = this.db.manager): Promise<SubscriptionRow[]> {
    return manager.find(Subscription, { where: { renewedFromId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The subscriptions' licence assignments, in assignment order. */
  licenceAssignmentsOf(subscriptionIds: string[], manager: EntityManager = this.db.manager): Promise<LicenceAssignmentRow[]> {
    return manager.find(LicenceAssignment, {
      where: { subscriptionId: In(subscriptionIds) },
      order: { assignedAt: 'ASC', customerUserId: 'ASC' },
    });
  }

  /** The subscriptions' history, in order. */
  historyOf(subscriptionIds: string[], manager: EntityManager = this.db.manager): Promise<SubscriptionHistoryRow[]> {
    return manager.find(SubscriptionHistory, { where: { subscriptionId: In(subscriptionIds) }, order: { seq: 'ASC' } });
  }

  find(id: string, manager: EntityManager = this.db.manager): Promise<SubscriptionRow | null> {
    return manager.findOneBy(Subscription, { id });
  }

  get(id: string, manager: EntityManager = this.db.manager): Promise<SubscriptionRow> {
    return manager.findOneByOrFail(Subscription, { id });
  }

  /** The row under a write lock until the caller's transaction ends. */
  lock(manager: EntityManager, id: string): Promise<SubscriptionRow | null> {
    return manager.findOne(Subscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The ids of a customer's subscriptions, oldest first. */
  async idsForCustomer(customerId: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows = await manager.find(Subscription, { select: { id: true }, where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((row) => row.id);
  }

  async insert(row: SubscriptionRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(Subscription, row);
  }

  async update(id: string, changes: Changes, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.update(Subscription, { id }, changes);
  }

  /** The customer's ACTIVE subscriptions. */
  activeOfCustomer(customerId: string, manager: EntityManager = this.db.manager): Promise<SubscriptionRow[]> {
    return manager.find(Subscription, { where: { customerId, status: 'ACTIVE' }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Whether the customer has an ACTIVE subscription of one of the offers. */
  async hasActiveOf(customerId: string, offerIds: string[], manager: EntityManager = this.db.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM subscription WHERE customer_id = $1 AND offer_id = ANY($2::uuid[]) AND status = 'ACTIVE' LIMIT 1`,
      [customerId, offerIds],
    );
    return rows.length > 0;
  }

  assignedLicences(subscriptionId: string, manager: EntityManager = this.db.manager): Promise<number> {
    return manager.countBy(LicenceAssignment, { subscriptionId });
  }

  hasLicence(subscriptionId: string, customerUserId: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    return manager.existsBy(LicenceAssignment, { subscriptionId, customerUserId });
  }

  findLicence(subscriptionId: string, customerUserId: string, manager: EntityManager = this.db.manager) {
    return manager.findOneBy(LicenceAssignment, { subscriptionId, customerUserId });
  }

  async assignLicence(
    subscriptionId: string,
    customerUserId: string,
    assignedAt: Date,
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.insert(LicenceAssignment, { subscriptionId, customerUserId, assignedAt });
  }

  /** False when the user held no licence of the subscription. */
  async unassignLicence(subscriptionId: string, customerUserId: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    const removed = await manager.delete(LicenceAssignment, { subscriptionId, customerUserId });
    return Boolean(removed.affected);
  }

  async unassignAll(subscriptionId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.delete(LicenceAssignment, { subscriptionId });
  }

  async moveLicences(fromSubscriptionId: string, toSubscriptionId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.update(LicenceAssignment, { subscriptionId: fromSubscriptionId }, { subscriptionId: toSubscriptionId });
  }

  /** The subscriptions of the customer on which the user holds a licence. */
  async heldLicences(customerId: string, customerUserId: string, manager: EntityManager = this.db.manager): Promise<string[]> {
    const rows: { subscription_id: string }[] = await manager.query(
      `SELECT a.subscription_id FROM licence_assignment a JOIN subscription s ON s.id = a.subscription_id WHERE a.customer_user_id = $1 AND s.customer_id = $2 ORDER BY a.subscription_id`,
      [customerUserId, customerId],
    );
    return rows.map((row) => row.subscription_id);
  }

  async keepReleased(row: ReleasedLicenceRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.upsert(ReleasedLicence, row, ['customerUserId', 'subscriptionId']);
  }

  /** The licences kept aside for a user, in the order they were released. */
  releasedLicences(customerId: string, customerUserId: string, manager: EntityManager = this.db.manager): Promise<ReleasedLicenceRow[]> {
    return manager.find(ReleasedLicence, { where: { customerUserId, customerId }, order: { releasedAt: 'ASC', subscriptionId: 'ASC' } });
  }

  /** False when a concurrent restore took it first. */
  async takeReleased(subscriptionId: string, customerUserId: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    const deleted = await manager.delete(ReleasedLicence, { subscriptionId, customerUserId });
    return Boolean(deleted.affected);
  }

  async recordHistory(entries: Omit<SubscriptionHistoryRow, 'id' | 'seq'>[], manager: EntityManager = this.db.manager): Promise<void> {
    if (entries.length > 0) await manager.insert(SubscriptionHistory, entries);
  }

  /**
   * Notices `daysBefore` the end date of each subscription that will not renew, or that will
   * renew with a scheduled change (the notice and its event carry the change), each recorded
   * once per (subscription, end date, days before), with its event for the partner on record.
   * A late run (or a term shorter than the first notice) catches up on every threshold passed
   * while the end date is still ahead. One statement, so each notice and its event are written
   * together. Returns how many were recorded.
   */
  async recordRenewalNotices(
    now: Date,
    daysBefore: readonly number[],
    recordedAt: Date,
    manager: EntityManager = this.db.manager,
  ): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH notices AS (
       INSERT INTO renewal_notice (subscription_id, customer_id, partner_id, end_date, days_before, recipients, scheduled_change, recorded_at)
       SELECT s.id, s.customer_id, s.partner_id, s.end_date, d.days,
              CASE WHEN s.partner_id IS NULL THEN ARRAY['CUSTOMER_CONTACT'] ELSE ARRAY['CUSTOMER_CONTACT', 'PARTNER_ON_RECORD'] END,
              s.scheduled_change, $1::timestamptz
       FROM subscription s CROSS JOIN unnest($2::int[]) AS d(days)
       WHERE (s.status = 'SUSPENDED' OR (s.status = 'ACTIVE' AND (NOT s.auto_renew OR s.is_trial OR s.scheduled_change IS NOT NULL)))
         AND s.end_date > $1::timestamptz
         AND s.end_date - make_interval(days => d.days) <= $1::timestamptz
       ON CONFLICT (subscription_id, end_date, days_before) DO NOTHING
       RETURNING id, subscription_id, customer_id, partner_id, end_date, days_before, scheduled_change),
       events AS (
         INSERT INTO event_outbox (id, type, partner_id, object_type, object_id, occurred_at, data)
         SELECT gen_random_uuid(), 'subscription.renewal_notice_due', partner_id, 'CustomerSubscription', subscription_id::text, $3::timestamptz,
                jsonb_build_object('customerId', customer_id, 'endDate', end_date, 'daysBefore', days_before, 'scheduledChange', scheduled_change)
           FROM notices WHERE partner_id IS NOT NULL ORDER BY end_date, subscription_id, days_before DESC)
       SELECT id FROM notices`,
      [now, [...daysBefore], recordedAt],
    );
    return rows.length;
  }

  /** The subscriptions whose lifecycle has a step due at `now`: an end date passed, or the days after it that expire and delete. */
  async dueForLifecycle(
    now: Date,
    expiredDays: number,
    deletedAfterDays: number,
    manager: EntityManager = this.db.manager,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM subscription
       WHERE (status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1)
          OR (status = 'EXPIRED' AND end_date <= $1::timestamptz - make_interval(days => $2))
          OR (status = 'DISABLED' AND end_date <= $1::timestamptz - make_interval(days => $3))
       ORDER BY end_date, id`,
      [now, expiredDays, deletedAfterDays],
    );
    return rows.map((row) => row.id);
  }

  /** A partner's renewal notices, newest first, after a (recordedAt, id) position. */
  renewalNotices(
    partnerId: string,
    limit: number,
    after: { key: string; id: string } | null,
    manager: EntityManager = this.db.manager,
  ): Promise<RenewalNoticeRow[]> {
    const query = manager
      .getRepository(RenewalNotice)
      .createQueryBuilder('n')
      .where('n.partner_id = :partnerId', { partnerId })
      .orderBy('n.recorded_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(limit);
    if (after) query.andWhere('(n.recorded_at, n.id) < (:recordedAt, :id)', { recordedAt: new Date(after.key), id: after.id });
    return query.getMany();
  }
}
