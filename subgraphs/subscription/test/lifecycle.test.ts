import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBoss } from 'pg-boss';
import { addDays, addMonths, DEMO } from '@partner-graph/platform';
import type { SubgraphRuntime, TestClock } from '@partner-graph/platform';
import { subscriptionSubgraph } from '../src/server.js';
import { openSubscriptionRuntime } from './own-database.js';
import { LicenceAssignment, RenewalNotice, Subscription, SubscriptionHistory, type SubscriptionRow } from '../src/db/index.js';
import { LIFECYCLE_QUEUE, SubscriptionLifecycle } from '../src/domain/lifecycle.js';

// The lifecycle needs no other subgraph: this file runs the subscription subgraph's runtime alone.
let stack: { clock: TestClock; runtime: SubgraphRuntime; close(): Promise<void> };
let lifecycle: SubscriptionLifecycle;
let stopWorkers: () => Promise<void>;
beforeAll(async () => {
  stack = await openSubscriptionRuntime();
  lifecycle = new SubscriptionLifecycle(stack.runtime.db, stack.clock);
  stopWorkers = await subscriptionSubgraph.startWorkers!(stack.runtime);
});
afterAll(async () => {
  await stopWorkers?.();
  await stack?.close();
});

const db = () => stack.runtime.db;

async function insertSubscription(changes: Partial<SubscriptionRow> & { endDate: Date }): Promise<SubscriptionRow> {
  const now = stack.clock.now();
  const row: SubscriptionRow = {
    id: randomUUID(),
    customerId: DEMO.customers.northwind,
    offerId: DEMO.offers.e3,
    partnerId: DEMO.partners.contoso,
    channel: 'RESELLER',
    friendlyName: 'Office 365 E3',
    quantity: 5,
    status: 'ACTIVE',
    isTrial: false,
    termMonths: 12,
    billingCycle: 'ANNUAL',
    startDate: addMonths(changes.endDate, -12),
    autoRenew: false,
    version: 1,
    renewedFromId: null,
    createdAt: now,
    updatedAt: now,
    ...changes,
  };
  await db().getRepository(Subscription).insert(row);
  return row;
}

const reload = (id: string) => db().getRepository(Subscription).findOneByOrFail({ id });
const noticesOf = (id: string) =>
  db()
    .getRepository(RenewalNotice)
    .find({ where: { subscriptionId: id }, order: { daysBefore: 'DESC' } });
const statusHistory = async (id: string) =>
  (
    await db()
      .getRepository(SubscriptionHistory)
      .find({ where: { subscriptionId: id, field: 'status' }, order: { seq: 'ASC' } })
  ).map((entry) => `${entry.oldValue}→${entry.newValue}`);

describe('the expiry lifecycle with a moving clock', () => {
  it('walks a non-renewing subscription through 4 notices, EXPIRED, DISABLED and DELETED', async () => {
    const end = addDays(stack.clock.now(), 90);
    const sub = await insertSubscription({ endDate: end });
    await db()
      .getRepository(LicenceAssignment)
      .insert({ subscriptionId: sub.id, customerUserId: randomUUID(), assignedAt: stack.clock.now() });
    const at = async (daysFromEnd: number) => {
      stack.clock.set(addDays(end, daysFromEnd));
      await lifecycle.runLifecycle(stack.clock.now());
      // A second run at the same moment changes nothing.
      await lifecycle.runLifecycle(stack.clock.now());
      const row = await reload(sub.id);
      return { status: row.status, notices: (await noticesOf(sub.id)).map((notice) => notice.daysBefore) };
    };
    expect(await at(-61)).toEqual({ status: 'ACTIVE', notices: [] });
    expect(await at(-60)).toEqual({ status: 'ACTIVE', notices: [60] });
    expect(await at(-31)).toEqual({ status: 'ACTIVE', notices: [60] });
    expect(await at(-30)).toEqual({ status: 'ACTIVE', notices: [60, 30] });
    expect(await at(-7)).toEqual({ status: 'ACTIVE', notices: [60, 30, 7] });
    expect(await at(-1)).toEqual({ status: 'ACTIVE', notices: [60, 30, 7, 1] });
    expect(await at(0)).toEqual({ status: 'EXPIRED', notices: [60, 30, 7, 1] });
    expect(await at(29)).toEqual({ status: 'EXPIRED', notices: [60, 30, 7, 1] });
    expect(await at(30)).toEqual({ status: 'DISABLED', notices: [60, 30, 7, 1] });
    expect(await db().getRepository(LicenceAssignment).countBy({ subscriptionId: sub.id })).toBe(1);
    expect(await at(119)).toEqual({ status: 'DISABLED', notices: [60, 30, 7, 1] });
    expect(await at(120)).toEqual({ status: 'DELETED', notices: [60, 30, 7, 1] });
    expect(await at(400)).toEqual({ status: 'DELETED', notices: [60, 30, 7, 1] });
    // Deleted: deprovisioned, the data removed.
    expect(await db().getRepository(LicenceAssignment).countBy({ subscriptionId: sub.id })).toBe(0);
    expect(await statusHistory(sub.id)).toEqual(['ACTIVE→EXPIRED', 'EXPIRED→DISABLED', 'DISABLED→DELETED']);
    const notices = await noticesOf(sub.id);
    expect(notices.every((notice) => notice.endDate.getTime() === end.getTime())).toBe(true);
    expect(notices[0]!.recipients).toEqual(['CUSTOMER_CONTACT', 'PARTNER_ON_RECORD']);
    expect((await reload(sub.id)).version).toBe(4);
  });

  it('records each notice exactly once when two runs overlap (two replicas), catching up late', async () => {
    const end = addDays(stack.clock.now(), 3);
    const sub = await insertSubscription({ endDate: end });
    const runs = await Promise.all([
      lifecycle.runLifecycle(stack.clock.now()),
      lifecycle.runLifecycle(stack.clock.now()),
      lifecycle.runLifecycle(stack.clock.now()),
    ]);
    // Late: the 60-, 30- and 7-day notices are all due and caught up; the 1-day one is not yet.
    expect((await noticesOf(sub.id)).map((notice) => notice.daysBefore)).toEqual([60, 30, 7]);
    expect(runs.reduce((sum, run) => sum + run.noticesRecorded, 0)).toBeGreaterThanOrEqual(3);
    stack.clock.set(addDays(end, 40));
    const late = await Promise.all([lifecycle.runLifecycle(stack.clock.now()), lifecycle.runLifecycle(stack.clock.now())]);
    expect(late.reduce((sum, run) => sum + run.subscriptionsChanged, 0)).toBeGreaterThanOrEqual(1);
    // 40 days late: EXPIRED and DISABLED both recorded, once.
    expect(await statusHistory(sub.id)).toEqual(['ACTIVE→EXPIRED', 'EXPIRED→DISABLED']);
    expect((await reload(sub.id)).status).toBe('DISABLED');
    expect(await noticesOf(sub.id)).toHaveLength(3);
  });

  it('renews an auto-renewing subscription for a new term, without notices, even when late', async () => {
    const end = addDays(stack.clock.now(), 10);
    const sub = await insertSubscription({ endDate: end, autoRenew: true });
    stack.clock.set(addDays(end, -60));
    await lifecycle.runLifecycle(stack.clock.now());
    stack.clock.set(addDays(end, 1));
    await Promise.all([lifecycle.runLifecycle(stack.clock.now()), lifecycle.runLifecycle(stack.clock.now())]);
    let row = await reload(sub.id);
    expect(row.status).toBe('ACTIVE');
    expect(row.startDate.toISOString()).toBe(end.toISOString());
    expect(row.endDate.toISOString()).toBe(addMonths(end, 12).toISOString());
    expect(row.version).toBe(2);
    expect(await noticesOf(sub.id)).toHaveLength(0);
    // Two terms late: catches up to the term that contains now.
    stack.clock.set(addMonths(end, 25));
    await lifecycle.runLifecycle(stack.clock.now());
    row = await reload(sub.id);
    expect(row.endDate.toISOString()).toBe(addMonths(end, 36).toISOString());
    expect(row.startDate.toISOString()).toBe(addMonths(end, 24).toISOString());
  });

  it('sends a SUSPENDED subscription at its end date to DISABLED, then DELETED at day 120', async () => {
    const end = addDays(stack.clock.now(), 2);
    const sub = await insertSubscription({ endDate: end, status: 'SUSPENDED', autoRenew: true });
    stack.clock.set(end);
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await reload(sub.id)).status).toBe('DISABLED');
    stack.clock.set(addDays(end, 120));
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await reload(sub.id)).status).toBe('DELETED');
    expect(await statusHistory(sub.id)).toEqual(['SUSPENDED→DISABLED', 'DISABLED→DELETED']);
  });

  it('runs on the pg-boss queue started by the module workers', async () => {
    const end = addDays(stack.clock.now(), 1);
    const sub = await insertSubscription({ endDate: end });
    const boss = new PgBoss({ connectionString: stack.runtime.databaseUrl, schema: 'pgboss' });
    await boss.start();
    try {
      await boss.send(LIFECYCLE_QUEUE, {});
      await expect
        .poll(async () => (await noticesOf(sub.id)).map((notice) => notice.daysBefore), { timeout: 20_000, interval: 100 })
        .toEqual([60, 30, 7, 1]);
    } finally {
      await boss.stop({ graceful: false });
    }
  });
});
