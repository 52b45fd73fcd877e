import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { DEMO, SUBGRAPHS } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { MODULES } from '../../../scripts/subgraphs.js';
import { deliverAfterCommit, WEBHOOK_DELIVERY_QUEUE, WEBHOOK_RETRY_QUEUE, WebhookDelivery } from '../src/domain/webhook-delivery.js';
import { ADMIN, AGENT, FABRIKAM } from '../../../test/demo-users.js';

const ENDPOINT_FIELDS = 'id url eventTypes status previousSecretExpiresAt';
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } signingSecret errors { code field message } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { endpoint { ${ENDPOINT_FIELDS} } errors { code field } } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { endpoint { ${ENDPOINT_FIELDS} } signingSecret errors { code field } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId errors { code field } } }`;
const TEST_EVENT = `mutation($id: ID!) { sendTestWebhookEvent(id: $id) { eventId errors { code field } } }`;
const REDELIVER = `mutation($endpointId: ID!, $eventId: ID!) { redeliverWebhookEvent(endpointId: $endpointId, eventId: $eventId) { endpoint { id } errors { code field } } }`;
const LIST = `query { webhookEndpoints { ${ENDPOINT_FIELDS} deliveries(first: 50) { edges { node { eventId eventType attempt httpStatus latencyMs outcome nextRetryAt error } } } } }`;
const CHANGE = `mutation($id: ID!, $quantity: Int!) { changeSubscriptionQuantity(id: $id, quantity: $quantity) { subscription { quantity } errors { code } } }`;

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A partner's system: records what it receives, and answers 500 to the first `failures` requests. */
async function startReceiver() {
  const received: Received[] = [];
  let failures = 0;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body });
      if (failures > 0) {
        failures--;
        response.writeHead(500).end('not now');
      } else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    failNext(count: number) {
      failures = count;
    },
    /** The events received, verified with the partner's secret as a receiver would (Standard Webhooks). */
    verified(secret: string) {
      const webhook = new Webhook(secret);
      return received.map(({ headers, body }) => ({
        id: headers['webhook-id'],
        ...(webhook.verify(body, headers) as { type: string; timestamp: string; data: Record<string, unknown> }),
      }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let stack: Stack;
let contoso: Receiver;
let fabrikam: Receiver;
const stopWorkers: (() => Promise<void>)[] = [];

/** The services' background work, started when a test says so (after a "crash"). */
async function startWorkers() {
  if (stopWorkers.length > 0) return;
  for (const name of SUBGRAPHS) {
    const stop = await MODULES[name].startWorkers?.(stack.subgraphs[name].runtime);
    if (stop) stopWorkers.push(stop);
  }
}

beforeAll(async () => {
  // Retries a few milliseconds apart: the schedule's shape, not its production pace.
  stack = await startStack({ events: { retryBaseSeconds: 0.05, retryMaxSeconds: 0.2 } });
  [contoso, fabrikam] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(async () => {
  await Promise.all(stopWorkers.map((stop) => stop()));
  await stack?.stop();
  await Promise.all([contoso?.close(), fabrikam?.close()]);
});

async function create(as: string, url: string, eventTypes: string[]) {
  const { data, errors } = await stack.graphql(CREATE, { input: { url, eventTypes } }, { as });
  expect(errors).toBeUndefined();
  return data!.createWebhookEndpoint;
}

describe('webhook endpoints', () => {
  it('GLOBAL_ADMIN registers one and gets its secret once; others read it without secrets; another partner never sees it', async () => {
    const created = await create(ADMIN, 'http://127.0.0.1:9/never', ['subscription.suspended']);
    expect(created.errors).toEqual([]);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = created.endpoint.id;

    const asAgent = await stack.graphql(LIST, {}, { as: AGENT });
    expect(asAgent.data?.webhookEndpoints.map((e: { id: string }) => e.id)).toContain(id);
    const forbidden = await stack.graphql(
      CREATE,
      { input: { url: 'http://127.0.0.1:9/x', eventTypes: ['customer.created'] } },
      { as: AGENT },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const agentUpdate = await stack.graphql(UPDATE, { id, input: { status: 'PAUSED' } }, { as: AGENT });
    expect(agentUpdate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Managing is for GLOBAL_ADMIN alone; reading for every partner user; nothing without a token.
    for (const as of [AGENT, DEMO.users.contosoHelpdesk.email, DEMO.users.contosoSales.email]) {
      for (const [query, vars] of [
        [CREATE, { input: { url: 'http://127.0.0.1:9/x', eventTypes: ['customer.created'] } }],
        [UPDATE, { id, input: { status: 'PAUSED' } }],
        [ROTATE, { id }],
        [DELETE, { id }],
        [TEST_EVENT, { id }],
        [REDELIVER, { endpointId: id, eventId: id }],
      ] as const) {
        const refused = await stack.graphql(query, vars, { as });
        expect(refused.errors?.[0]?.extensions?.code, `${as} ${query.slice(0, 40)}`).toBe('FORBIDDEN');
      }
      const read = await stack.graphql(LIST, {}, { as });
      expect(read.data?.webhookEndpoints.map((e: { id: string }) => e.id)).toContain(id);
    }
    expect((await stack.graphql(LIST, {}, { as: null })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const other = await stack.graphql(LIST, {}, { as: FABRIKAM });
    expect(other.data?.webhookEndpoints.map((e: { id: string }) => e.id)).not.toContain(id);
    for (const [query, vars] of [
      [UPDATE, { id, input: { status: 'PAUSED' } }],
      [ROTATE, { id }],
      [DELETE, { id }],
      [TEST_EVENT, { id }],
    ] as const) {
      const foreign = await stack.graphql(query, vars, { as: FABRIKAM });
      const unknown = await stack.graphql(query, { ...vars, id: '6f1a0c3e-0000-4000-8099-000000000099' }, { as: FABRIKAM });
      expect(Object.values(foreign.data!)[0]).toMatchObject({ errors: [{ code: 'NOT_FOUND', field: 'id' }] });
      expect(Object.values(foreign.data!)[0]).toEqual(Object.values(unknown.data!)[0]);
    }

    const invalid = await create(ADMIN, 'ftp://example.com/x', ['subscription.renamed']);
    expect(invalid.errors.map((e: { field: string }) => e.field).sort()).toEqual(['eventTypes', 'url']);

    const paused = await stack.graphql(
      UPDATE,
      { id, input: { status: 'PAUSED', eventTypes: ['subscription.suspended', 'subscription.activated'] } },
      { as: ADMIN },
    );
    expect(paused.data?.updateWebhookEndpoint).toMatchObject({
      errors: [],
      endpoint: { status: 'PAUSED', eventTypes: ['subscription.suspended', 'subscription.activated'] },
    });
    const deleted = await stack.graphql(DELETE, { id }, { as: ADMIN });
    expect(deleted.data?.deleteWebhookEndpoint).toEqual({ deletedId: id, errors: [] });

    const audit: { operation: string; new_value: unknown }[] = await stack.subgraphs.partner.db.query(
      `SELECT operation, new_value FROM audit_record WHERE resource_id = $1 ORDER BY occurred_at, operation`,
      [id],
    );
    expect(audit.map((row) => row.operation).sort()).toEqual(['createWebhookEndpoint', 'deleteWebhookEndpoint', 'updateWebhookEndpoint']);
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });
});

describe('delivery', () => {
  let contosoEndpoint: string;
  let contosoSecret: string;
  let fabrikamEndpoint: string;
  let fabrikamSecret: string;

  it('a change committed while nothing delivers is still delivered once the services come back, signed', async () => {
    const created = await create(ADMIN, contoso.url, ['subscription.quantity_changed', 'subscription.suspended', 'subscription.activated']);
    contosoEndpoint = created.endpoint.id;
    contosoSecret = created.signingSecret;
    const other = await create(FABRIKAM, fabrikam.url, [
      'subscription.quantity_changed',
      'subscription.suspended',
      'subscription.activated',
    ]);
    fabrikamEndpoint = other.endpoint.id;
    fabrikamSecret = other.signingSecret;

    // No workers yet (as after a crash right after the commit), and the partner subgraph down.
    const changed = await stack.graphql(CHANGE, { id: DEMO.subscriptions.northwindBusinessStandard, quantity: 12 }, { as: AGENT });
    expect(changed.data?.changeSubscriptionQuantity).toEqual({ subscription: { quantity: 12 }, errors: [] });
    const outbox: { type: string; relayed_at: Date | null }[] = await stack.subgraphs.subscription.db.query(
      `SELECT type, relayed_at FROM event_outbox`,
    );
    expect(outbox).toEqual([{ type: 'subscription.quantity_changed', relayed_at: null }]);
    await stack.subgraphs.partner.kill();
    await startWorkers();
    await stack.subgraphs.partner.restart();

    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(1);
    const [event] = contoso.verified(contosoSecret);
    expect(event).toMatchObject({
      type: 'subscription.quantity_changed',
      data: {
        partnerId: DEMO.partners.contoso,
        objectType: 'CustomerSubscription',
        objectId: DEMO.subscriptions.northwindBusinessStandard,
        customerId: DEMO.customers.northwind,
        quantity: 12,
        changes: [{ field: 'quantity', from: '10', to: '12' }],
      },
    });
    expect(event!.data.id).toBe(event!.id);
    expect(contoso.received[0]!.body).not.toContain('whsec_');
  });

  it('a receiver that fails three times gets the event once more with the same id, and the log shows each attempt', async () => {
    contoso.received.length = 0;
    contoso.failNext(3);
    const suspended = await stack.graphql(
      `mutation($id: ID!) { suspendSubscription(id: $id) { errors { code } } }`,
      { id: DEMO.subscriptions.northwindBusinessStandard },
      { as: AGENT },
    );
    expect(suspended.data?.suspendSubscription.errors).toEqual([]);
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(4);
    const ids = new Set(contoso.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(contoso.verified(contosoSecret).map((e) => e.type)).toEqual(Array(4).fill('subscription.suspended'));

    const eventId = [...ids][0];
    // The receiver has answered; the attempt is recorded just after.
    const attemptsOf = async () => {
      const log = await stack.graphql(LIST, {}, { as: AGENT });
      const endpoint = log.data!.webhookEndpoints.find((e: { id: string }) => e.id === contosoEndpoint);
      return endpoint.deliveries.edges
        .map((edge: { node: Record<string, unknown> }) => edge.node)
        .filter((n: { eventId: string }) => n.eventId === eventId);
    };
    await expect.poll(async () => (await attemptsOf()).length, { timeout: 20_000, interval: 50 }).toBe(4);
    const attempts = await attemptsOf();
    expect(attempts.map((a: { attempt: number; httpStatus: number; outcome: string }) => [a.attempt, a.httpStatus, a.outcome])).toEqual([
      [4, 204, 'SUCCEEDED'],
      [3, 500, 'RETRYING'],
      [2, 500, 'RETRYING'],
      [1, 500, 'RETRYING'],
    ]);
    expect(attempts[1].nextRetryAt).not.toBeNull();
    expect(attempts[0].nextRetryAt).toBeNull();
  });

  it('events of one object arrive in order; another partner receives none of them', async () => {
    contoso.received.length = 0;
    contoso.failNext(2);
    await stack.graphql(
      `mutation($id: ID!) { activateSubscription(id: $id) { errors { code } } }`,
      { id: DEMO.subscriptions.northwindBusinessStandard },
      { as: AGENT },
    );
    await stack.graphql(CHANGE, { id: DEMO.subscriptions.northwindBusinessStandard, quantity: 11 }, { as: AGENT });
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(4);
    // The quantity change waited for the activation's retries.
    expect(contoso.verified(contosoSecret).map((e) => e.type)).toEqual([
      'subscription.activated',
      'subscription.activated',
      'subscription.activated',
      'subscription.quantity_changed',
    ]);

    // Fabrikam's own test event is the marker that its deliveries ran; it is all it got.
    const test = await stack.graphql(TEST_EVENT, { id: fabrikamEndpoint }, { as: FABRIKAM });
    expect(test.data?.sendTestWebhookEvent.errors).toEqual([]);
    await expect.poll(() => fabrikam.received.length, { timeout: 20_000, interval: 50 }).toBe(1);
    expect(fabrikam.verified(fabrikamSecret)).toEqual([
      expect.objectContaining({ type: 'webhook.test', data: expect.objectContaining({ partnerId: DEMO.partners.fabrikam }) }),
    ]);
  });

  it('after a rotation both secrets sign for the overlap; redelivery sends the same event id again', async () => {
    const rotated = await stack.graphql(ROTATE, { id: contosoEndpoint }, { as: ADMIN });
    const newSecret = rotated.data?.rotateWebhookSecret.signingSecret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(contosoSecret);
    expect(rotated.data?.rotateWebhookSecret.endpoint.previousSecretExpiresAt).toBe(
      new Date(stack.clock.now().getTime() + 24 * 3600_000).toISOString(),
    );

    contoso.received.length = 0;
    const sent = await stack.graphql(TEST_EVENT, { id: contosoEndpoint }, { as: ADMIN });
    const eventId = sent.data?.sendTestWebhookEvent.eventId;
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(1);
    expect(contoso.received[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(contoso.verified(newSecret)[0]!.id).toBe(eventId);
    expect(contoso.verified(contosoSecret)[0]!.id).toBe(eventId);

    const again = await stack.graphql(REDELIVER, { endpointId: contosoEndpoint, eventId }, { as: ADMIN });
    expect(again.data?.redeliverWebhookEvent).toEqual({ endpoint: { id: contosoEndpoint }, errors: [] });
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(2);
    expect(contoso.received[1]!.headers['webhook-id']).toBe(eventId);
    const foreign = await stack.graphql(REDELIVER, { endpointId: contosoEndpoint, eventId }, { as: FABRIKAM });
    expect(foreign.data?.redeliverWebhookEvent.errors).toEqual([{ code: 'NOT_FOUND', field: 'endpointId' }]);

    // After the overlap, only the new secret signs.
    stack.clock.advance(24 * 3600_000 + 1);
    await stack.graphql(TEST_EVENT, { id: contosoEndpoint }, { as: ADMIN });
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(3);
    expect(contoso.received[2]!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(contosoSecret).verify(contoso.received[2]!.body, contoso.received[2]!.headers)).toThrow();
  });

  it('after the retry window a delivery is marked failed; redelivery starts it afresh with the same event id', async () => {
    contoso.received.length = 0;
    contoso.failNext(100);
    // Paused, the workers leave it alone; this delivery process has a window of zero seconds.
    await stack.graphql(UPDATE, { id: contosoEndpoint, input: { status: 'PAUSED' } }, { as: ADMIN });
    const sent = await stack.graphql(TEST_EVENT, { id: contosoEndpoint }, { as: ADMIN });
    const eventId = sent.data?.sendTestWebhookEvent.eventId;
    const [{ id: deliveryId }] = await stack.subgraphs.partner.db.query(`SELECT id FROM webhook_delivery WHERE event_id = $1`, [eventId]);
    const partner = stack.subgraphs.partner.runtime;
    const impatient = new WebhookDelivery(partner.db, partner.clock, { allowPrivateAddresses: true, giveUpAfterSeconds: 0 });
    await impatient.attempt(deliveryId);
    await impatient.stop();
    const [state] = await stack.subgraphs.partner.db.query(`SELECT status, attempts FROM webhook_delivery WHERE id = $1`, [deliveryId]);
    expect(state).toEqual({ status: 'FAILED', attempts: 1 });

    contoso.failNext(0);
    await stack.graphql(UPDATE, { id: contosoEndpoint, input: { status: 'ACTIVE' } }, { as: ADMIN });
    const again = await stack.graphql(REDELIVER, { endpointId: contosoEndpoint, eventId }, { as: ADMIN });
    expect(again.data?.redeliverWebhookEvent.errors).toEqual([]);
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(2);
    expect(contoso.received.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    await expect
      .poll(
        async () => {
          const latest = await stack.graphql(LIST, {}, { as: ADMIN });
          return latest
            .data!.webhookEndpoints.find((e: { id: string }) => e.id === contosoEndpoint)
            .deliveries.edges.filter((edge: { node: { eventId: string } }) => edge.node.eventId === eventId)
            .map((edge: { node: { attempt: number; outcome: string } }) => [edge.node.attempt, edge.node.outcome]);
        },
        { timeout: 20_000, interval: 50 },
      )
      .toEqual([
        [1, 'SUCCEEDED'],
        [1, 'FAILED'],
      ]);
  });

  it('an endpoint that does not answer delays no one else', async () => {
    // Fabrikam's receiver now holds every request open until released.
    const held: http.ServerResponse[] = [];
    const slow = http.createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowEndpoint = await create(FABRIKAM, `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`, [
      'subscription.suspended',
    ]);
    await stack.graphql(TEST_EVENT, { id: slowEndpoint.endpoint.id }, { as: FABRIKAM });
    await expect.poll(() => held.length, { timeout: 20_000, interval: 50 }).toBe(1);

    contoso.received.length = 0;
    await stack.graphql(TEST_EVENT, { id: contosoEndpoint }, { as: ADMIN });
    await expect.poll(() => contoso.received.length, { timeout: 20_000, interval: 50 }).toBe(1);
    expect(held).toHaveLength(1);

    for (const response of held) response.writeHead(204).end();
    await expect
      .poll(
        async () => {
          const [row] = await stack.subgraphs.partner.db.query(`SELECT status FROM webhook_delivery WHERE endpoint_id = $1`, [
            slowEndpoint.endpoint.id,
          ]);
          return row.status;
        },
        { timeout: 20_000, interval: 50 },
      )
      .toBe('DELIVERED');
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });

  it('a run wakes its endpoint again only for what will be due: no loop behind a retrying event, a held delivery or a deleted endpoint, and no new connection', async () => {
    const db = stack.subgraphs.partner.db;
    const { endpoint } = await create(ADMIN, contoso.url, ['subscription.quantity_changed']);
    contoso.received.length = 0;
    // Object X: its first event waits an hour for a retry, the second is due behind it; object Y's
    // event is held by a run whose process died (its lease ends in 50 s).
    const owed = [
      { object: 'x', dueIn: 3600, leasedFor: null },
      { object: 'x', dueIn: 0, leasedFor: null },
      { object: 'y', dueIn: 0, leasedFor: 50 },
    ];
    for (const { object, dueIn, leasedFor } of owed) {
      const [{ id: eventId }] = await db.query(
        `INSERT INTO webhook_event (id, partner_id, type, object_type, object_id, occurred_at, data) VALUES (gen_random_uuid(), $1, 'subscription.quantity_changed', 'CustomerSubscription', $2, now(), '{}') RETURNING id`,
        [DEMO.partners.contoso, object],
      );
      await db.query(
        `INSERT INTO webhook_delivery (id, endpoint_id, event_id, object_id, status, attempts, next_attempt_at, lease_until)
         VALUES (gen_random_uuid(), $1, $2, $3, 'PENDING', $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))`,
        [endpoint.id, eventId, object, dueIn > 0 ? 1 : 0, dueIn, leasedFor],
      );
    }
    const jobsSince = async (queue: string, since: Date) =>
      (await db.query(
        `SELECT state, EXTRACT(EPOCH FROM start_after - $2)::float AS "startsIn" FROM pgboss.job WHERE name = $1 AND data->>'endpointId' = $3 AND created_on >= $2`,
        [queue, since, endpoint.id],
      )) as { state: string; startsIn: number }[];
    const [{ now: before }] = await db.query(`SELECT now()`);
    // The wake-up a new event sends (outside a transaction: at once).
    deliverAfterCommit(db.manager, endpoint.id);
    await expect
      .poll(async () => (await jobsSince(WEBHOOK_DELIVERY_QUEUE, before)).map((job) => job.state), { timeout: 20_000, interval: 100 })
      .toEqual(['completed']);
    // A few seconds on, still the one run: the next wake-up waits for the held delivery's lease.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await jobsSince(WEBHOOK_DELIVERY_QUEUE, before)).map((job) => job.state)).toEqual(['completed']);
    const retries = await jobsSince(WEBHOOK_RETRY_QUEUE, before);
    expect(retries).toEqual([{ state: 'created', startsIn: expect.closeTo(50, -1) }]);
    expect(contoso.received).toEqual([]);

    // Deleted, its deliveries go with it: a wake-up for it runs once and sends nothing more, and
    // the idle service opens no connection to its database meanwhile.
    await stack.graphql(DELETE, { id: endpoint.id }, { as: ADMIN });
    const [{ now: deletedAt }] = await db.query(`SELECT now()`);
    deliverAfterCommit(db.manager, endpoint.id);
    await expect
      .poll(async () => (await jobsSince(WEBHOOK_DELIVERY_QUEUE, deletedAt)).map((job) => job.state), { timeout: 20_000, interval: 100 })
      .toEqual(['completed']);
    const [{ now: idleFrom }] = await db.query(`SELECT now()`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await jobsSince(WEBHOOK_DELIVERY_QUEUE, idleFrom)).toEqual([]);
    expect(await jobsSince(WEBHOOK_RETRY_QUEUE, idleFrom)).toEqual([]);
    const [{ opened }] = await db.query(
      `SELECT count(*)::int AS opened FROM pg_stat_activity WHERE datname = current_database() AND backend_start > $1 AND pid <> pg_backend_pid()`,
      [idleFrom],
    );
    expect(opened).toBe(0);
  });

  it('the delivery logs of many endpoints cost the statements of one', async () => {
    const statementsFor = async (as: string) => {
      const before = stack.subgraphs.partner.queries.count;
      const { data } = await stack.graphql(LIST, {}, { as });
      return { endpoints: data!.webhookEndpoints.length, statements: stack.subgraphs.partner.queries.count - before };
    };
    // Nothing else touches the partner database meanwhile: no delivery polling, viewers cached.
    await Promise.all(stopWorkers.splice(0).map((stop) => stop()));
    await statementsFor(ADMIN);
    await statementsFor(FABRIKAM);
    const one = await statementsFor(ADMIN);
    const two = await statementsFor(FABRIKAM);
    expect([one.endpoints, two.endpoints]).toEqual([1, 2]);
    expect(two.statements).toBe(one.statements);
  });

  it('the backlog is at /metrics, and the daily purge takes ended deliveries past the retention, never pending ones', async () => {
    const partner = stack.subgraphs.partner;
    const metrics = await (await fetch(partner.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/^webhook_deliveries\{status="DELIVERED",service="partner"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_oldest_pending_delivery_seconds\{service="partner"\} /m);
    expect(metrics).toMatch(/^webhook_attempts_last_hour\{outcome="SUCCEEDED",service="partner"\} [1-9]/m);

    const counts = async () =>
      (
        await partner.db.query(
          `SELECT (SELECT count(*) FROM webhook_event)::int AS events, (SELECT count(*) FROM webhook_delivery WHERE status = 'PENDING')::int AS pending`,
        )
      )[0] as { events: number; pending: number };
    // Everything so far is 40 days old; one delivery is still owed.
    await partner.db.query(`UPDATE webhook_event SET received_at = now() - interval '40 days'`);
    const [owed] = await partner.db.query(`SELECT id FROM webhook_delivery LIMIT 1`);
    await partner.db.query(`UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = now() + interval '1 day' WHERE id = $1`, [
      owed.id,
    ]);
    const before = await counts();
    const purged = await new WebhookDelivery(partner.db, partner.runtime.clock).purge();
    const after = await counts();
    expect(purged).toBe(before.events - 1);
    expect(after).toEqual({ events: 1, pending: 1 });
  });

  it('internal hand-over of events is refused to clients', async () => {
    const response = await stack.subgraphRequest('partner', `mutation { acceptPartnerEvents(events: []) }`, { issuer: 'router' });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
