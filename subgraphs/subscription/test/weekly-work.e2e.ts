import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { ADMIN, AGENT, FABRIKAM, HELPDESK, SALES } from '../../../test/demo-users.js';
import { Subscription } from '../src/db/index.js';
import { SubscriptionLifecycle } from '../src/domain/lifecycle.js';

// The partner's weekly work (docs/weekly-work.md) through the gateway: what needs the federation —
// the offer subgraph's upgrade paths and prices, the customer's access, each role, another
// partner's ids. Limits, windows and arithmetic are tested as rules (change-rules.test.ts).

const HOUR = 60 * 60 * 1000;
const FIELDS = `id quantity status version isTrial startDate endDate autoRenew assignedLicences allowedActions offer { id } licenceAssignments { userId }
  cancelledAt refundAmount refundCurrency replacedBy { id } renewedFrom { id }
  scheduledChange { quantity offer { id name } termMonths billingCycle effectiveDate }`;
const CLEARED = 'clearedScheduledChange { quantity termMonths }';
const READ = `query($id: ID!) { subscription(id: $id) { ${FIELDS} history { action field oldValue newValue } } }`;
const UPGRADE = `mutation($id: ID!, $target: ID!, $quantity: Int, $v: Int, $key: String, $dryRun: Boolean) {
  upgradeSubscription(id: $id, targetOfferId: $target, quantity: $quantity, expectedVersion: $v, idempotencyKey: $key, dryRun: $dryRun) {
    dryRun subscription { ${FIELDS} } previous { ${FIELDS} } ${CLEARED} errors { code field message } } }`;
const CONVERT = `mutation($id: ID!, $quantity: Int, $v: Int, $key: String, $dryRun: Boolean) {
  convertTrialSubscription(id: $id, quantity: $quantity, expectedVersion: $v, idempotencyKey: $key, dryRun: $dryRun) { dryRun subscription { ${FIELDS} } errors { code field } } }`;
const CANCEL = `mutation($id: ID!, $v: Int, $key: String, $dryRun: Boolean) {
  cancelSubscription(id: $id, expectedVersion: $v, idempotencyKey: $key, dryRun: $dryRun) { dryRun subscription { ${FIELDS} } errors { code field } } }`;
const SCHEDULE = `mutation($id: ID!, $quantity: Int, $offerId: ID, $termMonths: Int, $billingCycle: String, $v: Int, $key: String, $dryRun: Boolean) {
  scheduleSubscriptionChange(id: $id, quantity: $quantity, offerId: $offerId, termMonths: $termMonths, billingCycle: $billingCycle, expectedVersion: $v, idempotencyKey: $key, dryRun: $dryRun) {
    dryRun subscription { ${FIELDS} } errors { code field } } }`;
const REMOVE = `mutation($id: ID!, $v: Int) { removeScheduledSubscriptionChange(id: $id, expectedVersion: $v) { subscription { ${FIELDS} } errors { code field } } }`;
const CHANGE = `mutation($id: ID!, $quantity: Int!) { changeSubscriptionQuantity(id: $id, quantity: $quantity) { subscription { quantity scheduledChange { quantity } } ${CLEARED} errors { code field } } }`;
const ADD = `mutation($c: ID!, $o: ID!, $q: Int!, $key: String) { addSubscription(customerId: $c, offerId: $o, quantity: $q, idempotencyKey: $key) { subscription { id version } errors { code } } }`;
const CREATE_USER = `mutation($c: ID!, $first: String!, $last: String!) { createCustomerUser(customerId: $c, input: { firstName: $first, lastName: $last }) { user { id } errors { code } } }`;
const ASSIGN = `mutation($id: ID!, $user: ID!) { assignLicence(subscriptionId: $id, userId: $user) { subscription { version } errors { code } } }`;

let stack: Stack;
let lifecycle: SubscriptionLifecycle;
beforeAll(async () => {
  stack = await startStack();
  lifecycle = new SubscriptionLifecycle(stack.subgraphs.subscription.db, stack.clock);
});
afterAll(async () => {
  await stack?.stop();
});

async function call(query: string, variables: Record<string, unknown>, as: string = AGENT) {
  const response = await stack.graphql(query, variables, { as });
  expect(response.errors).toBeUndefined();
  return Object.values(response.data!)[0] as Record<string, any>;
}
const read = async (id: string, as: string = AGENT) => (await stack.graphql(READ, { id }, { as })).data!.subscription;
async function add(offerId: string, quantity: number): Promise<string> {
  const added = await call(ADD, { c: DEMO.customers.northwind, o: offerId, q: quantity, key: randomUUID() });
  expect(added.errors).toEqual([]);
  return added.subscription.id;
}
async function withLicences(offerId: string, quantity: number, licences: number): Promise<{ id: string; users: string[] }> {
  const id = await add(offerId, quantity);
  const users: string[] = [];
  for (let index = 0; index < licences; index++) {
    const created = await call(CREATE_USER, {
      c: DEMO.customers.northwind,
      first: 'Weekly',
      last: `User ${index} ${randomUUID().slice(0, 6)}`,
    });
    expect(created.errors).toEqual([]);
    users.push(created.user.id);
    expect((await call(ASSIGN, { id, user: created.user.id })).errors).toEqual([]);
  }
  return { id, users };
}
/** The events the subscription subgraph wrote for a subscription, oldest first. */
async function eventsOf(id: string): Promise<{ type: string; data: Record<string, any> }[]> {
  return stack.subgraphs.subscription.db.query(`SELECT type, data FROM event_outbox WHERE object_id = $1 ORDER BY sequence`, [id]);
}
const subscriptionCount = () => stack.subgraphs.subscription.db.getRepository(Subscription).count();

/** Helpdesk (LIMITED) and sales (no customer access) are refused before anything is looked up; Fabrikam sees NOT_FOUND, as for an unknown id. */
async function expectRefusedToOthers(mutation: string, variables: Record<string, unknown>) {
  for (const who of [HELPDESK, SALES]) {
    expect((await stack.graphql(mutation, variables, { as: who })).errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
  }
  const asOther = await call(mutation, variables, FABRIKAM);
  const unknown = await call(mutation, { ...variables, id: randomUUID() });
  expect(asOther.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  expect(asOther.errors).toEqual(unknown.errors);
}

describe('upgradeSubscription', () => {
  it('moves Business Basic (10 seats, 3 licences) to Standard: licences on the new one, the old REPLACED, one event', async () => {
    const { id, users } = await withLicences(DEMO.offers.businessBasic, 10, 3);
    const before = await read(id);
    expect(before.allowedActions).toContain('UPGRADE');
    const count = await subscriptionCount();
    const eventsBefore = (await eventsOf(id)).length;

    const preview = await call(UPGRADE, { id, target: DEMO.offers.businessStandard, v: before.version, dryRun: true });
    expect(preview).toMatchObject({
      dryRun: true,
      errors: [],
      subscription: { quantity: 10, status: 'ACTIVE', offer: { id: DEMO.offers.businessStandard } },
      previous: { status: 'REPLACED' },
    });
    expect(await subscriptionCount()).toBe(count);
    expect(await read(id)).toMatchObject({ status: 'ACTIVE', version: before.version });

    const key = randomUUID();
    const upgraded = await call(UPGRADE, { id, target: DEMO.offers.businessStandard, v: before.version, key });
    expect(upgraded.errors).toEqual([]);
    const next = upgraded.subscription;
    expect(next).toMatchObject({
      quantity: 10,
      status: 'ACTIVE',
      assignedLicences: 3,
      offer: { id: DEMO.offers.businessStandard },
      renewedFrom: { id },
    });
    expect(next.licenceAssignments.map((licence: { userId: string }) => licence.userId).sort()).toEqual([...users].sort());
    expect(upgraded.previous).toMatchObject({
      id,
      status: 'REPLACED',
      assignedLicences: 0,
      replacedBy: { id: next.id },
      allowedActions: [],
    });
    expect(await subscriptionCount()).toBe(count + 1);
    // The retry answers as the first time and makes nothing new.
    const retried = await call(UPGRADE, { id, target: DEMO.offers.businessStandard, v: before.version, key });
    expect(retried.subscription.id).toBe(next.id);
    expect(await subscriptionCount()).toBe(count + 1);

    // One event for the whole upgrade, on the new subscription (none more on the old one).
    expect((await eventsOf(next.id)).map((event) => event.type)).toEqual(['subscription.upgraded']);
    expect(await eventsOf(id)).toHaveLength(eventsBefore);
    expect((await eventsOf(next.id))[0]!.data).toMatchObject({
      previousSubscriptionId: id,
      fromOfferId: DEMO.offers.businessBasic,
      toOfferId: DEMO.offers.businessStandard,
      licencesMoved: 3,
    });
    expect((await read(id)).history).toEqual(
      expect.arrayContaining([{ action: 'upgradeSubscription', field: 'upgradedTo', oldValue: null, newValue: next.id }]),
    );
    const audit = await stack.graphql(
      `{ auditRecords(filter: { resourceType: "CustomerSubscription" }, first: 100) { edges { node { operation resourceId } } } }`,
      {},
      { as: ADMIN },
    );
    expect(audit.data!.auditRecords.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({
      operation: 'upgradeSubscription',
      resourceId: id,
    });
  });

  it('refuses a lower offer, seats out of range and a stale version, naming the field and changing nothing', async () => {
    const id = await add(DEMO.offers.businessStandard, 5);
    const count = await subscriptionCount();
    const down = await call(UPGRADE, { id, target: DEMO.offers.businessBasic });
    expect(down.errors).toEqual([expect.objectContaining({ code: 'UPGRADE_NOT_ALLOWED', field: 'targetOfferId' })]);
    const across = await call(UPGRADE, { id, target: DEMO.offers.e3 });
    expect(across.errors).toEqual([expect.objectContaining({ code: 'UPGRADE_NOT_ALLOWED', field: 'targetOfferId' })]);
    expect((await call(UPGRADE, { id, target: DEMO.offers.businessPremium, quantity: 301 })).errors).toEqual([
      expect.objectContaining({ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }),
    ]);
    expect((await call(UPGRADE, { id, target: DEMO.offers.businessPremium, v: 99 })).errors).toEqual([
      expect.objectContaining({ code: 'VERSION_CONFLICT', field: 'expectedVersion' }),
    ]);
    expect(await subscriptionCount()).toBe(count);
    expect(await read(id)).toMatchObject({ status: 'ACTIVE', version: 1, quantity: 5, offer: { id: DEMO.offers.businessStandard } });
  });

  it('is for the partner that sold it, with FULL access', async () => {
    const id = await add(DEMO.offers.businessBasic, 2);
    await expectRefusedToOthers(UPGRADE, { id, target: DEMO.offers.businessStandard });
    expect((await read(id, HELPDESK)).allowedActions).toEqual([]);
    const direct = await call(UPGRADE, { id: DEMO.subscriptions.adventureWorksDirectE3, target: DEMO.offers.e5 });
    expect(direct.errors).toEqual([expect.objectContaining({ code: 'SUBSCRIPTION_NOT_MANAGEABLE', field: 'id' })]);
    expect((await read(id)).status).toBe('ACTIVE');
  });

  it('shows the upgrade paths in the catalogue', async () => {
    const { data } = await stack.graphql(
      `{ offer(id: "${DEMO.offers.businessBasic}") { upgradeTargets { name } } trial: offer(id: "${DEMO.offers.trialE3}") { convertsTo { name } } }`,
      {},
      { as: AGENT },
    );
    expect(data).toEqual({
      offer: { upgradeTargets: [{ name: 'Microsoft 365 Business Standard' }, { name: 'Microsoft 365 Business Premium' }] },
      trial: { convertsTo: { name: 'Office 365 E3' } },
    });
    // Fabrikam sells the Business offers only: E1 is unknown to it, and so are its paths.
    expect((await stack.graphql(`{ offer(id: "${DEMO.offers.e1}") { upgradeTargets { id } } }`, {}, { as: FABRIKAM })).data).toEqual({
      offer: null,
    });
  });
});

describe('convertTrialSubscription', () => {
  it('makes a running trial paid: same id, a new term, licences kept', async () => {
    const { id, users } = await withLicences(DEMO.offers.trialBusinessPremium, 25, 1);
    const trial = await read(id);
    expect(trial).toMatchObject({ isTrial: true, autoRenew: false });
    expect(trial.allowedActions).toContain('CONVERT_TRIAL');
    stack.clock.advance(2 * 24 * HOUR);
    try {
      expect((await call(CONVERT, { id, quantity: 301 })).errors).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
      expect((await call(CONVERT, { id, v: trial.version + 1 })).errors).toEqual([{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }]);
      const preview = await call(CONVERT, { id, dryRun: true });
      expect(preview).toMatchObject({ dryRun: true, subscription: { isTrial: false, quantity: 25 } });
      expect((await read(id)).isTrial).toBe(true);
      const converted = await call(CONVERT, { id, quantity: 30, v: trial.version, key: randomUUID() });
      expect(converted.errors).toEqual([]);
      expect(converted.subscription).toMatchObject({
        id,
        isTrial: false,
        quantity: 30,
        autoRenew: true,
        status: 'ACTIVE',
        offer: { id: DEMO.offers.businessPremium },
        startDate: stack.clock.now().toISOString(),
        licenceAssignments: [{ userId: users[0] }],
      });
      expect(converted.subscription.allowedActions).not.toContain('CONVERT_TRIAL');
      expect((await eventsOf(id)).map((event) => event.type)).toContain('subscription.trial_converted');
      expect((await call(CONVERT, { id })).errors).toEqual([{ code: 'NOT_A_TRIAL', field: 'id' }]);
      await expectRefusedToOthers(CONVERT, { id });
    } finally {
      stack.clock.advance(-2 * 24 * HOUR);
    }
  });

  it('refuses a trial that has ended', async () => {
    const id = await add(DEMO.offers.trialE3, 25);
    stack.clock.advance(31 * 24 * HOUR);
    try {
      expect((await read(id)).allowedActions).not.toContain('CONVERT_TRIAL');
      expect((await call(CONVERT, { id })).errors).toEqual([{ code: 'TRIAL_EXPIRED', field: 'id' }]);
      expect((await read(id)).isTrial).toBe(true);
    } finally {
      stack.clock.advance(-31 * 24 * HOUR);
    }
  });
});

describe('cancelSubscription (168 hours from the start)', () => {
  it('cancels at 167 h: CANCELLED, licences freed, refund recorded', async () => {
    const { id } = await withLicences(DEMO.offers.businessStandard, 4, 2);
    stack.clock.advance(167 * HOUR);
    try {
      const before = await read(id);
      expect(before.allowedActions).toContain('CANCEL');
      const preview = await call(CANCEL, { id, dryRun: true });
      expect(preview.subscription).toMatchObject({ status: 'CANCELLED', refundCurrency: 'EUR' });
      expect((await read(id)).status).toBe('ACTIVE');
      const cancelled = await call(CANCEL, { id, v: before.version, key: randomUUID() });
      expect(cancelled.errors).toEqual([]);
      // 4 seats x 11.70 a month, billed monthly: 46.80 less the 167 hours used of the month.
      expect(cancelled.subscription).toMatchObject({
        status: 'CANCELLED',
        assignedLicences: 0,
        licenceAssignments: [],
        autoRenew: false,
        cancelledAt: stack.clock.now().toISOString(),
        refundCurrency: 'EUR',
        allowedActions: [],
      });
      expect(cancelled.subscription.refundAmount).toBe(preview.subscription.refundAmount);
      expect(cancelled.subscription.refundAmount).toBeGreaterThan(35);
      expect(cancelled.subscription.refundAmount).toBeLessThan(46.8);
      expect((await eventsOf(id)).filter((event) => event.type === 'subscription.cancelled')).toHaveLength(1);
      expect((await call(CANCEL, { id })).errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    } finally {
      stack.clock.advance(-167 * HOUR);
    }
  });

  it('refuses at 169 h with CANCELLATION_WINDOW_CLOSED, and to anyone who may not manage it', async () => {
    const id = await add(DEMO.offers.businessStandard, 4);
    await expectRefusedToOthers(CANCEL, { id });
    stack.clock.advance(169 * HOUR);
    try {
      expect((await read(id)).allowedActions).not.toContain('CANCEL');
      expect((await call(CANCEL, { id })).errors).toEqual([{ code: 'CANCELLATION_WINDOW_CLOSED', field: 'id' }]);
      expect((await read(id)).status).toBe('ACTIVE');
    } finally {
      stack.clock.advance(-169 * HOUR);
    }
  });
});

// Last in this file: the renewal moves the clock on.
describe('changes at renewal', () => {
  it('a mid-term quantity change clears the scheduled quantity, and the reply says so', async () => {
    const id = await add(DEMO.offers.businessStandard, 10);
    const scheduled = await call(SCHEDULE, { id, quantity: 8, termMonths: 12 });
    expect(scheduled.errors).toEqual([]);
    expect(scheduled.subscription.scheduledChange).toMatchObject({ quantity: 8, termMonths: 12, offer: null });
    const changed = await call(CHANGE, { id, quantity: 12 });
    // Only the quantity is cleared: the term stays scheduled.
    expect(changed).toMatchObject({
      errors: [],
      subscription: { quantity: 12, scheduledChange: { quantity: null } },
      clearedScheduledChange: { quantity: 8, termMonths: null },
    });
    expect((await read(id)).scheduledChange).toMatchObject({ quantity: null, termMonths: 12 });
    expect((await call(CHANGE, { id, quantity: 11 })).clearedScheduledChange).toBeNull();
    const removed = await call(REMOVE, { id });
    expect(removed).toMatchObject({ errors: [], subscription: { scheduledChange: null } });
    expect((await call(REMOVE, { id })).errors).toEqual([{ code: 'NO_SCHEDULED_CHANGE', field: 'id' }]);
  });

  it('refuses bad input naming the field, and others like unknown ids', async () => {
    const { id } = await withLicences(DEMO.offers.businessStandard, 10, 2);
    const { version } = await read(id);
    expect((await call(SCHEDULE, { id, quantity: 1 })).errors).toEqual([{ code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' }]);
    expect((await call(SCHEDULE, { id, quantity: 301 })).errors).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect((await call(SCHEDULE, { id, offerId: DEMO.offers.e3 })).errors).toEqual([{ code: 'VALIDATION_FAILED', field: 'offerId' }]);
    expect((await call(SCHEDULE, { id, quantity: 8, v: version + 1 })).errors).toEqual([
      { code: 'VERSION_CONFLICT', field: 'expectedVersion' },
    ]);
    expect((await call(SCHEDULE, { id, quantity: 8, dryRun: true })).subscription.scheduledChange).toMatchObject({ quantity: 8 });
    expect(await read(id)).toMatchObject({ version, scheduledChange: null });
    await expectRefusedToOthers(SCHEDULE, { id, quantity: 8 });
  });

  it('applies 8 seats and Business Premium once at the renewal, even with two runs at once; the notices mention it', async () => {
    const id = await add(DEMO.offers.businessStandard, 10);
    const scheduled = await call(SCHEDULE, { id, quantity: 8, offerId: DEMO.offers.businessPremium, key: randomUUID() });
    expect(scheduled.errors).toEqual([]);
    const { endDate } = scheduled.subscription;
    expect(scheduled.subscription.scheduledChange).toMatchObject({
      quantity: 8,
      offer: { id: DEMO.offers.businessPremium, name: 'Microsoft 365 Business Premium' },
      effectiveDate: endDate,
    });
    expect(scheduled.subscription.allowedActions).toContain('REMOVE_SCHEDULED_CHANGE');
    // The customer's page reads it with the other subscriptions.
    const customer = await stack.graphql(
      `query($c: ID!) { customer(id: $c) { subscriptions { id scheduledChange { quantity } } } }`,
      { c: DEMO.customers.northwind },
      { as: AGENT },
    );
    expect(customer.data!.customer.subscriptions).toContainEqual({ id, scheduledChange: { quantity: 8 } });

    // The 7-day notice of an auto-renewing subscription with a change says what changes.
    stack.clock.set(addDays(new Date(endDate), -7));
    await lifecycle.runLifecycle(stack.clock.now());
    const notices = await stack.graphql(
      `{ renewalNotices(first: 100) { edges { node { daysBefore subscription { id } scheduledChange { quantity offer { id } } } } } }`,
      {},
      { as: AGENT },
    );
    const mine = notices
      .data!.renewalNotices.edges.map((edge: { node: any }) => edge.node)
      .filter((notice: any) => notice.subscription?.id === id);
    // A month's term: the 60- and 30-day thresholds had passed too, and are caught up once.
    expect(mine.map((notice: any) => notice.daysBefore).sort((a: number, b: number) => a - b)).toEqual([7, 30, 60]);
    expect(
      mine.every(
        (notice: any) => notice.scheduledChange?.quantity === 8 && notice.scheduledChange.offer.id === DEMO.offers.businessPremium,
      ),
    ).toBe(true);

    stack.clock.set(addDays(new Date(endDate), 2));
    await Promise.all([lifecycle.runLifecycle(stack.clock.now()), lifecycle.runLifecycle(stack.clock.now())]);
    await lifecycle.runLifecycle(stack.clock.now());
    const renewed = await read(id);
    expect(renewed).toMatchObject({
      quantity: 8,
      status: 'ACTIVE',
      offer: { id: DEMO.offers.businessPremium },
      scheduledChange: null,
      startDate: endDate,
    });
    expect(renewed.history.filter((entry: { action: string }) => entry.action === 'scheduledChange')).toEqual([
      { action: 'scheduledChange', field: 'quantity', oldValue: '10', newValue: '8' },
      { action: 'scheduledChange', field: 'offerId', oldValue: DEMO.offers.businessStandard, newValue: DEMO.offers.businessPremium },
    ]);
    expect((await eventsOf(id)).filter((event) => event.type === 'subscription.scheduled_change_applied')).toHaveLength(1);
  });
});
