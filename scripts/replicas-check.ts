import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import {
  createLogger,
  databaseUrlFor,
  DEMO,
  dropDatabase,
  envPrefix,
  freePort,
  signDevToken,
  startJobQueue,
  subgraphDatabaseName,
  SUBGRAPHS,
  type ServiceName,
  type SubgraphName,
} from '@partner-graph/platform';
import { LIFECYCLE_QUEUE } from '../subgraphs/subscription/src/domain/lifecycle.js';
import { REPO_ROOT } from './database-server.js';
import { startRoundRobin, type RoundRobin } from './round-robin.js';
import { seedDemoData } from './seed.js';
import { serviceArgs, Supervisor } from './supervisor.js';

/**
 * Two replicas of every service on one PostgreSQL database per subgraph, under a steady write
 * and webhook load, each service losing a replica to kill -9 in turn (the supervisor restarts
 * it), and what a user would check afterwards. Run by `npm run replicas` and by
 * test/replicas.e2e.ts (shorter).
 */
export interface ReplicasOptions {
  /** The PostgreSQL server; the run's databases are `<databasePrefix>_<subgraph>`, dropped at the end. */
  serverUrl: string;
  databasePrefix: string;
  /** How long the load runs; the six kills are spread over it. */
  seconds: number;
  /** How long the queues get after the load to finish what was acknowledged. */
  settleSeconds: number;
  /** Clients creating customers at once (each retries a failed call with the same idempotency key). */
  writers: number;
  /** Requests per minute per caller, shared by the gateway replicas; the last phase goes past it. */
  rateLimitPerMinute: number;
  /** The secret of development tokens (AUTH_JWT_SECRET) the services verify. */
  jwtSecret: string;
  logLevel: 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  progress?: (line: string) => void;
}

export interface ReplicasReport {
  kills: { replica: string; pid: number; restartedPid: number; backAfterSeconds: number }[];
  requests: { sent: number; connectionErrors: number; http5xx: number; retried: number };
  writes: {
    acknowledged: number;
    unacknowledged: number;
    missing: number;
    duplicated: number;
    active: number;
    subscriptionsOnce: number;
    subscriptionsDoubled: number;
  };
  flows: Record<string, Record<string, number>>;
  webhooks: { recorded: number; received: number; missing: number; acceptedTwice: number; badSignatures: number; pending: number };
  notices: { recorded: number; duplicated: number; events: number; eventsDuplicated: number };
  rateLimit: { perMinute: number; sent: number; accepted: number; refused: number };
  /** SIGTERM to a gateway replica under load, through one address for both (a load balancer's): what the clients saw. */
  gatewayStop: { replica: string; requests: number; answered: number; connectionErrors: number; http5xx: number; backAfterSeconds: number };
  /** Per subgraph and queue, the longest a job that was due waited to be taken, in seconds. */
  queueWaits: QueueWait[];
  /** The longest any queue did not move: the worst of `queueWaits`. */
  longestQueueStallSeconds: number;
  /** When everything acknowledged was done after the load stopped, or null if not within settleSeconds. */
  settledAfterSeconds: number | null;
}

/** The longest a due job of one queue waited, and what it waited behind when it did. */
export interface QueueWait {
  subgraph: SubgraphName;
  queue: string;
  longestWaitSeconds: number;
  /**
   * A running job of the same key (a `stately` queue runs one per key): how long it had been
   * running and since its last heartbeat (a dead process's stops), when the wait was longest.
   */
  behind: { runningSeconds: number; heartbeatSeconds: number } | null;
}

const REPLICAS = 2;
const SERVICES_IN_KILL_ORDER: ServiceName[] = ['partner', 'customer', 'subscription', 'offer', 'licensing-key', 'gateway'];
const WEBHOOK_EVENT_TYPES = ['customer.created', 'customer.provisioned', 'subscription.added', 'subscription.renewal_notice_due'];
const FLOW_SUBGRAPHS: SubgraphName[] = ['customer', 'offer', 'licensing-key'];
const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!, $key: String!) {
  createCustomer(input: $input, idempotencyKey: $key) { customer { id } errors { code } }
}`;
const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } signingSecret errors { code } } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A partner's receiver: verifies each delivery's Standard Webhooks signature and counts every event id it accepts. */
async function startReceiver() {
  let webhook: Webhook | undefined;
  const accepted = new Map<string, { type: string; data: Record<string, unknown>; times: number }>();
  let badSignatures = 0;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        const event = webhook!.verify(body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
        const id = String(request.headers['webhook-id']);
        const seen = accepted.get(id);
        if (seen) seen.times++;
        else accepted.set(id, { type: event.type, data: event.data, times: 1 });
        response.writeHead(204).end();
      } catch {
        badSignatures++;
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/partner-graph`,
    accepted,
    badSignatures: () => badSignatures,
    trust(secret: string) {
      webhook = new Webhook(secret);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function checkReplicas(options: ReplicasOptions): Promise<ReplicasReport> {
  const say = options.progress ?? (() => {});
  const logger = createLogger('replicas', options.logLevel);
  const databases = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, databaseUrlFor(options.serverUrl, subgraphDatabaseName(name, options.databasePrefix))]),
  ) as Record<SubgraphName, string>;
  const gatewayDatabase = databaseUrlFor(options.serverUrl, `${options.databasePrefix}_gateway`);
  const supervisor = new Supervisor({ cwd: REPO_ROOT, logger, stopTimeoutMs: 16_000, restart: true });
  const proxies: RoundRobin[] = [];
  const pools = Object.fromEntries(SUBGRAPHS.map((name) => [name, new pg.Pool({ connectionString: databases[name], max: 2 })])) as Record<
    SubgraphName,
    pg.Pool
  >;
  const receiver = await startReceiver();
  let lifecycleQueue: Awaited<ReturnType<typeof startJobQueue>> | undefined;
  try {
    say('Creating the databases and the demo data…');
    await seedDemoData({ urls: databases, gatewayUrl: gatewayDatabase, embedded: false, stop: async () => {} }, logger);

    // Every replica on a port of its own; the others reach a subgraph's replicas through one round-robin address.
    const ports = Object.fromEntries(
      await Promise.all(
        ['gateway', ...SUBGRAPHS].map(async (name) => [name, await Promise.all(Array.from({ length: REPLICAS }, () => freePort()))]),
      ),
    ) as Record<ServiceName, number[]>;
    const urls = {} as Record<SubgraphName, string>;
    for (const name of SUBGRAPHS) {
      const proxy = await startRoundRobin(ports[name]);
      proxies.push(proxy);
      urls[name] = `http://127.0.0.1:${proxy.port}/graphql`;
    }
    const sharedEnv: Record<string, string> = {
      NODE_ENV: 'development',
      APOLLO_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel,
      AUTH_JWT_SECRET: options.jwtSecret,
      // Twelve processes on one server: 10 subgraph replicas × (3 + the job queue's 5) and the
      // gateways' stay under PostgreSQL's default max_connections (100); a steady load needs no more.
      DATABASE_POOL_SIZE: '3',
      ...Object.fromEntries(
        SUBGRAPHS.flatMap((name) => [
          [`${envPrefix(name)}_URL`, urls[name]],
          [`${envPrefix(name)}_DATABASE_URL`, databases[name]],
        ]),
      ),
    };
    const replica = (name: ServiceName, index: number) => ({
      name: `${name}-${index + 1}`,
      args: serviceArgs(name),
      env: {
        ...sharedEnv,
        [name === 'gateway' ? 'GATEWAY_PORT' : `${envPrefix(name)}_PORT`]: String(ports[name][index]),
        ...(name === 'gateway'
          ? { GATEWAY_DATABASE_URL: gatewayDatabase, GATEWAY_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute) }
          : {}),
      },
      healthUrl: `http://127.0.0.1:${ports[name][index]}/ready`,
    });
    say(`Starting ${REPLICAS} replicas of each subgraph, then of the gateway…`);
    // One replica of each at a time, as a rolling deploy starts them: two first starts at once on a
    // fresh database race (pg-boss 10's createQueue deadlocks; the rate limiter's CREATE TABLE
    // fails with "type rate_limit already exists"), and the loser exits.
    for (let index = 0; index < REPLICAS; index++) await Promise.all(SUBGRAPHS.map((name) => supervisor.start(replica(name, index))));
    for (let index = 0; index < REPLICAS; index++) await supervisor.start(replica('gateway', index));

    // The client alternates between the gateway replicas.
    const gateways = ports.gateway.map((port) => `http://127.0.0.1:${port}/graphql`);
    const requests = { sent: 0, connectionErrors: 0, http5xx: 0, retried: 0 };
    const graphql = async (query: string, variables: Record<string, unknown>, token: string) => {
      const url = gateways[requests.sent++ % gateways.length]!;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        });
        if (response.status >= 500) requests.http5xx++;
        return {
          status: response.status,
          body: (await response.json().catch(() => ({}))) as { data?: any; errors?: { extensions?: { code?: string } }[] },
        };
      } catch {
        requests.connectionErrors++;
        return { status: 0, body: {} };
      }
    };
    const token = (email: string) => signDevToken(email, { secret: options.jwtSecret, ttlSeconds: 3600 });
    const [admin, agent, sales] = await Promise.all(
      [DEMO.users.contosoAdmin.email, DEMO.users.contosoAgent.email, DEMO.users.contosoSales.email].map(token),
    );

    const endpoint = await graphql(CREATE_ENDPOINT, { input: { url: receiver.url, eventTypes: WEBHOOK_EVENT_TYPES } }, admin!);
    const created = endpoint.body.data?.createWebhookEndpoint;
    if (!created?.endpoint) throw new Error(`could not register the webhook receiver: ${JSON.stringify(endpoint.body)}`);
    receiver.trust(created.signingSecret);
    const endpointId: string = created.endpoint.id;

    // How long due jobs wait to be taken, sampled every second in every subgraph's queue.
    const queueWaits = new Map<string, QueueWait>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await Promise.all(
          SUBGRAPHS.map(async (subgraph) => {
            type Row = { name: string; waited: number; running: number | null; heartbeat: number | null };
            const { rows } = await pools[subgraph]
              .query<Row>(
                `SELECT DISTINCT ON (j.name) j.name, extract(epoch FROM now() - j.start_after)::float AS waited,
                        extract(epoch FROM now() - a.started_on)::float AS running, extract(epoch FROM now() - a.heartbeat_on)::float AS heartbeat
                   FROM pgboss.job j
                   LEFT JOIN pgboss.job a ON a.name = j.name AND a.singleton_key = j.singleton_key AND a.state = 'active' AND a.policy = 'stately'
                  WHERE j.state IN ('created', 'retry') AND j.start_after <= now()
                  ORDER BY j.name, j.start_after`,
              )
              .catch(() => ({ rows: [] as Row[] }));
            for (const { name, waited, running, heartbeat } of rows) {
              const key = `${subgraph} ${name}`;
              const known = queueWaits.get(key);
              const behind = running === null ? null : { runningSeconds: running, heartbeatSeconds: heartbeat ?? running };
              if (!known || waited > known.longestWaitSeconds)
                queueWaits.set(key, { subgraph, queue: name, longestWaitSeconds: waited, behind });
            }
          }),
        );
        await sleep(1_000);
      }
    })();

    // The renewal notices' scheduler, asked again and again (as when it runs late, twice, or on several replicas).
    lifecycleQueue = await startJobQueue({ url: databases.subscription, logger, handlers: {} });

    const loadEnds = Date.now() + options.seconds * 1000;
    const acknowledged = new Map<string, string>();
    let unacknowledged = 0;
    let sequence = 0;
    const writer = async () => {
      while (Date.now() < loadEnds) {
        const n = sequence++;
        const input = {
          companyName: `Replica Check ${n}`,
          domainPrefix: `replicacheck${n}x${Date.now().toString(36)}`,
          country: 'FR',
          addressLine1: '1 rue des Répliques',
          city: 'Lyon',
          postalCode: '69002',
          contactFirstName: 'Rémi',
          contactLastName: 'Plique',
          contactEmail: `remi${n}@replicas.example`,
          contactPhone: '+33 4 00 00 00 00',
          subscription: { offerId: DEMO.offers.businessBasic, quantity: 3 },
        };
        // A client retries what was not acknowledged with the same key, as long as it cares.
        let customerId: string | undefined;
        for (let attempt = 0; attempt < 60 && !customerId; attempt++) {
          if (attempt > 0) {
            requests.retried++;
            await sleep(500);
          }
          const answer = await graphql(CREATE_CUSTOMER, { input, key: `replicas-${input.domainPrefix}` }, agent!);
          const payload = answer.body.data?.createCustomer;
          if (payload?.customer && payload.errors.length === 0) customerId = payload.customer.id;
          else if (payload?.errors?.length) throw new Error(`createCustomer refused: ${JSON.stringify(payload.errors)}`);
        }
        if (customerId) acknowledged.set(customerId, input.companyName);
        else unacknowledged++;
        await sleep(250);
      }
    };
    const lifecycle = (async () => {
      while (Date.now() < loadEnds) {
        await lifecycleQueue!.send(LIFECYCLE_QUEUE, {});
        await sleep(5_000);
      }
    })();

    // One replica of each service killed in turn, the first replica, then the second; a kill
    // does not wait for the previous replica's restart (each service keeps its other replica).
    const kills: ReplicasReport['kills'] = [];
    const restarts: Promise<void>[] = [];
    const killer = (async () => {
      const gap = (options.seconds * 1000) / (SERVICES_IN_KILL_ORDER.length + 1);
      for (const [place, service] of SERVICES_IN_KILL_ORDER.entries()) {
        await sleep(Math.max(0, loadEnds - options.seconds * 1000 + gap * (place + 1) - Date.now()));
        const name = `${service}-${(place % REPLICAS) + 1}`;
        const started = Date.now();
        restarts.push(
          // A loaded machine restarts several replicas at once slowly: up to 3 minutes each.
          supervisor.kill(name, 'SIGKILL', 180_000).then(({ pid, restartedPid }) => {
            const backAfterSeconds = (Date.now() - started) / 1000;
            kills[place] = { replica: name, pid, restartedPid, backAfterSeconds };
            say(`kill -9 ${name} (pid ${pid}): back as pid ${restartedPid} after ${backAfterSeconds.toFixed(1)} s`);
          }),
        );
      }
      await Promise.all(restarts);
    })();
    say(`Load for ${options.seconds} s: ${options.writers} clients creating customers through both gateways…`);
    await Promise.all([...Array.from({ length: options.writers }, writer), lifecycle, killer]);

    // Everything acknowledged done: flows finished, every delivery made.
    say(`Load over (${acknowledged.size} customers acknowledged); waiting up to ${options.settleSeconds} s for the queues…`);
    const loadStopped = Date.now();
    let settledAfterSeconds: number | null = null;
    const unfinished = async () => {
      const running = await Promise.all(
        FLOW_SUBGRAPHS.map(
          async (name) =>
            (await pools[name].query<{ count: number }>(`SELECT count(*)::int AS count FROM flow WHERE state = 'RUNNING'`)).rows[0]!.count,
        ),
      );
      const pending = (
        await pools.partner.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM webhook_delivery WHERE endpoint_id = $1 AND status = 'PENDING'`,
          [endpointId],
        )
      ).rows[0]!.count;
      const provisioning = (
        await pools.customer.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM customer WHERE id = ANY($1) AND provisioning_state <> 'ACTIVE'`,
          [[...acknowledged.keys()]],
        )
      ).rows[0]!.count;
      return running.reduce((a, b) => a + b, 0) + pending + provisioning;
    };
    while (Date.now() - loadStopped < options.settleSeconds * 1000) {
      if ((await unfinished()) === 0) {
        settledAfterSeconds = (Date.now() - loadStopped) / 1000;
        break;
      }
      await sleep(500);
    }

    // The rate limit: one caller past its budget, alternating between the gateway replicas.
    say('Rate limit: one caller past its budget through both gateways…');
    const rateLimit = { perMinute: options.rateLimitPerMinute, sent: Math.ceil(options.rateLimitPerMinute * 1.5), accepted: 0, refused: 0 };
    for (let batch = 0; batch < rateLimit.sent; batch += 10) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(10, rateLimit.sent - batch) }, () => graphql('{ __typename }', {}, sales!)),
      );
      for (const { status } of answers) {
        if (status === 200) rateLimit.accepted++;
        else if (status === 429) rateLimit.refused++;
      }
    }
    // SIGTERM to a gateway replica (a deploy, a scale-in) under load, the clients reaching both
    // through one address as behind a load balancer: none of their requests may fail.
    say('SIGTERM to gateway-1 under load, both gateways behind one address…');
    const balancer = await startRoundRobin(ports.gateway);
    proxies.push(balancer);
    const readers = await Promise.all(
      [DEMO.users.contosoAdmin.email, DEMO.users.contosoHelpdesk.email, DEMO.users.fabrikamAdmin.email].map(token),
    );
    const gatewayStop = { replica: 'gateway-1', requests: 0, answered: 0, connectionErrors: 0, http5xx: 0, backAfterSeconds: 0 };
    let reading = true;
    const reader = async (readerToken: string) => {
      while (reading) {
        gatewayStop.requests++;
        try {
          const response = await fetch(`http://127.0.0.1:${balancer.port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${readerToken}` },
            body: JSON.stringify({ query: '{ me { email } }' }),
            signal: AbortSignal.timeout(30_000),
          });
          await response.arrayBuffer();
          if (response.status >= 500) gatewayStop.http5xx++;
          else gatewayStop.answered++;
        } catch {
          gatewayStop.connectionErrors++;
        }
        // Each user within its rate limit: about 4 requests a second.
        await sleep(250);
      }
    };
    const reads = readers.map((readerToken) => reader(readerToken!));
    await sleep(1_000);
    const stopped = Date.now();
    await supervisor.kill(gatewayStop.replica, 'SIGTERM', 180_000);
    gatewayStop.backAfterSeconds = (Date.now() - stopped) / 1000;
    await sleep(1_000);
    reading = false;
    await Promise.all(reads);

    sampling = false;
    await sampler;

    // What a user would check.
    const ids = [...acknowledged.keys()];
    const names = [...acknowledged.values()];
    const customers = (
      await pools.customer.query<{ company_name: string; count: number; active: number }>(
        `SELECT company_name, count(*)::int AS count, count(*) FILTER (WHERE provisioning_state = 'ACTIVE')::int AS active FROM customer WHERE company_name LIKE 'Replica Check %' GROUP BY company_name`,
      )
    ).rows;
    const byName = new Map(customers.map((row) => [row.company_name, row]));
    const subscriptions = (
      await pools.subscription.query<{ customer_id: string; count: number }>(
        `SELECT customer_id, count(*)::int AS count FROM subscription WHERE customer_id = ANY($1) GROUP BY customer_id`,
        [ids],
      )
    ).rows;
    const flows: ReplicasReport['flows'] = {};
    for (const name of FLOW_SUBGRAPHS) {
      const { rows } = await pools[name].query<{ state: string; count: number }>(
        `SELECT state, count(*)::int AS count FROM flow GROUP BY state`,
      );
      flows[name] = Object.fromEntries(rows.map((row) => [row.state, row.count]));
    }
    const recorded = (
      await pools.partner.query<{ event_id: string; status: string }>(
        `SELECT event_id, status FROM webhook_delivery WHERE endpoint_id = $1`,
        [endpointId],
      )
    ).rows;
    const notices = (
      await pools.subscription.query<{ count: number; keys: number }>(
        `SELECT count(*)::int AS count, count(DISTINCT (subscription_id, end_date, days_before))::int AS keys FROM renewal_notice`,
      )
    ).rows[0]!;
    const noticeEvents = [...receiver.accepted.values()].filter((event) => event.type === 'subscription.renewal_notice_due');
    const noticeKeys = new Set(
      noticeEvents.map((event) => JSON.stringify([event.data.customerId, event.data.endDate, event.data.daysBefore])),
    );
    const waits = [...queueWaits.values()].sort((a, b) => b.longestWaitSeconds - a.longestWaitSeconds);
    return {
      kills,
      requests,
      writes: {
        acknowledged: ids.length,
        unacknowledged,
        missing: names.filter((name) => !byName.has(name)).length,
        duplicated: customers.filter((row) => row.count > 1).length,
        active: names.filter((name) => byName.get(name)?.active === 1).length,
        subscriptionsOnce: subscriptions.filter((row) => row.count === 1).length,
        subscriptionsDoubled: subscriptions.filter((row) => row.count > 1).length,
      },
      flows,
      webhooks: {
        recorded: recorded.length,
        received: receiver.accepted.size,
        missing: recorded.filter((row) => !receiver.accepted.has(row.event_id)).length,
        acceptedTwice: [...receiver.accepted.values()].filter((event) => event.times > 1).length,
        badSignatures: receiver.badSignatures(),
        pending: recorded.filter((row) => row.status === 'PENDING').length,
      },
      notices: {
        recorded: notices.count,
        duplicated: notices.count - notices.keys,
        events: noticeEvents.length,
        eventsDuplicated: noticeEvents.length - noticeKeys.size,
      },
      rateLimit,
      gatewayStop,
      queueWaits: waits,
      longestQueueStallSeconds: waits[0]?.longestWaitSeconds ?? 0,
      settledAfterSeconds,
    };
  } finally {
    await lifecycleQueue?.stop().catch(() => {});
    await supervisor.stop();
    for (const proxy of proxies) await proxy.close();
    await receiver.close();
    for (const pool of Object.values(pools)) await pool.end();
    for (const url of [...Object.values(databases), gatewayDatabase]) await dropDatabase(url).catch(() => {});
  }
}

/** The report as the command prints it. */
export function formatReplicasReport(report: ReplicasReport): string {
  const { writes, webhooks, notices, rateLimit, requests } = report;
  const lines = [
    `Kills (kill -9, restarted by the supervisor): ${report.kills.map((kill) => `${kill.replica} back in ${kill.backAfterSeconds.toFixed(1)} s`).join(', ')}`,
    `Requests: ${requests.sent} sent, ${requests.connectionErrors} connection errors, ${requests.http5xx} HTTP 5xx, ${requests.retried} retried with the same idempotency key`,
    `Writes: ${writes.acknowledged} acknowledged (${writes.unacknowledged} never), ${writes.missing} missing, ${writes.duplicated} duplicated, ${writes.active} ACTIVE, ${writes.subscriptionsOnce} with exactly one subscription, ${writes.subscriptionsDoubled} with more`,
    `Flows: ${Object.entries(report.flows)
      .map(([name, states]) => `${name} ${JSON.stringify(states)}`)
      .join(', ')}`,
    `Webhooks: ${webhooks.recorded} owed to the receiver, ${webhooks.received} accepted (signature verified), ${webhooks.missing} missing, ${webhooks.acceptedTwice} accepted twice, ${webhooks.badSignatures} bad signatures, ${webhooks.pending} still pending`,
    `Renewal notices: ${notices.recorded} recorded, ${notices.duplicated} doubled; ${notices.events} notice events received, ${notices.eventsDuplicated} doubled`,
    `Rate limit (${rateLimit.perMinute}/min, one caller, both gateways): ${rateLimit.sent} sent, ${rateLimit.accepted} accepted, ${rateLimit.refused} refused (429)`,
    `SIGTERM to ${report.gatewayStop.replica} under load (back in ${report.gatewayStop.backAfterSeconds.toFixed(1)} s): ${report.gatewayStop.requests} requests through one address, ${report.gatewayStop.answered} answered, ${report.gatewayStop.connectionErrors} connection errors, ${report.gatewayStop.http5xx} HTTP 5xx`,
    `Everything acknowledged done ${report.settledAfterSeconds === null ? 'NOT within the settle time' : `${report.settledAfterSeconds.toFixed(1)} s after the load stopped`}`,
    `Longest a due job waited (the longest time a queue did not move): ${report.longestQueueStallSeconds.toFixed(1)} s`,
    ...report.queueWaits
      .slice(0, 8)
      .map(
        (wait) =>
          `  ${wait.subgraph.padEnd(14)} ${wait.queue.padEnd(28)} ${wait.longestWaitSeconds.toFixed(1).padStart(7)} s${
            wait.behind
              ? `, behind a job of its key running ${wait.behind.runningSeconds.toFixed(0)} s (last heartbeat ${wait.behind.heartbeatSeconds.toFixed(0)} s before)`
              : ''
          }`,
      ),
  ];
  return lines.join('\n');
}
