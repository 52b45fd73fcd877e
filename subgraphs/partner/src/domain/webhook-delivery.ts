import { Gauge, type Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { sendAfterCommit, type Clock, type EventSettings, type JobBundle, type JobQueue } from '@partner-graph/platform';
import { DeliveryStore } from '../db/index.js';
import { signatureHeader, WebhookSender } from './webhook-transport.js';

/** Production's delivery settings (Standard Webhooks' guidance: retries over about a day). */
export const DELIVERY_DEFAULTS = {
  retryBaseSeconds: 5,
  retryMaxSeconds: 2 * 60 * 60,
  giveUpAfterSeconds: 24 * 60 * 60,
  requestTimeoutMs: 10_000,
  /** Endpoints this process delivers to at once (one worker each). */
  workers: 8,
  /** Events and their delivery log are kept this long once every delivery has ended. */
  retentionDays: 30,
};

/** A delivery's lease outlasts its request timeout by this much (a process under load records the outcome late). */
const LEASE_MARGIN_SECONDS = 15;

/** One run of the delivery job for an endpoint: per endpoint, at most one runs and one waits (any replica). */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
/** Wakes an endpoint's delivery job when its next retry is due. */
export const WEBHOOK_RETRY_QUEUE = 'webhook-delivery-retry';
/** Every minute: endpoints with deliveries due that no job is waiting for (a lost wake-up). */
export const WEBHOOK_SWEEP_QUEUE = 'webhook-delivery-sweep';
export const WEBHOOK_PURGE_QUEUE = 'webhook-purge';
/** Attempts in one run before the job hands over to the next one (bounded runs stay well under the job's expiry). */
const ATTEMPTS_PER_RUN = 20;
/** Wakes the endpoint's delivery job once the caller's transaction commits. */
export function deliverAfterCommit(manager: EntityManager, endpointId: string): void {
  sendAfterCommit(manager, WEBHOOK_DELIVERY_QUEUE, { endpointId }, { singletonKey: endpointId });
}

/** The next retry's delay: doubling from `base` up to `max`, ±20 % jitter so receivers are not hit in waves. */
export function retryDelaySeconds(attempts: number, base: number, max: number, random: () => number = Math.random): number {
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return exponential * (0.8 + 0.4 * random());
}

/**
 * Delivers what the partner's endpoints are owed, as jobs of the partner subgraph's queue. The
 * delivery rows are the durable state; a job only says "this endpoint may have something due".
 * A run attempts the endpoint's due deliveries, only the oldest pending one of each object (so
 * an object's events arrive in order), and stops at the first failure (a failing endpoint is
 * left alone until its next retry); then it wakes itself for what is left. One run at a time
 * per endpoint, several endpoints at once, each attempt with a timeout: a slow endpoint only
 * ever slows itself.
 */
export class WebhookDelivery {
  private readonly settings: Required<Omit<EventSettings, 'pollingIntervalSeconds' | 'allowPrivateAddresses'>> & typeof DELIVERY_DEFAULTS;
  private readonly sender: WebhookSender;

  constructor(
    db: DataSource,
    private readonly clock: Clock,
    settings: EventSettings = {},
    private readonly deliveries: DeliveryStore = new DeliveryStore(db),
  ) {
    this.settings = {
      ...DELIVERY_DEFAULTS,
      ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
    } as typeof this.settings;
    this.sender = new WebhookSender({ allowPrivate: settings.allowPrivateAddresses ?? false, timeoutMs: this.settings.requestTimeoutMs });
  }

  /**
   * The partner subgraph's delivery jobs: a run per endpoint, its retries, a sweep for a lost
   * wake-up and the purge. Once the queue has started, what an earlier run left due is woken at
   * once rather than at the next sweep; once it has stopped, the connections to receivers close.
   */
  jobs(): JobBundle {
    const wakeDue = async (queue: JobQueue) => {
      for (const endpointId of await this.endpointsWithDueDeliveries())
        await queue.send(WEBHOOK_DELIVERY_QUEUE, { endpointId }, { singletonKey: endpointId });
    };
    return {
      handlers: {
        [WEBHOOK_DELIVERY_QUEUE]: {
          policy: 'stately',
          workers: this.settings.workers,
          // A run makes at most ATTEMPTS_PER_RUN attempts of requestTimeoutMs each.
          expireInSeconds: Math.ceil((ATTEMPTS_PER_RUN * this.settings.requestTimeoutMs) / 1000) + 60,
          run: async (data, queue) => {
            await this.run(String(data.endpointId), queue);
          },
        },
        [WEBHOOK_RETRY_QUEUE]: async (data, queue) => {
          await queue.send(WEBHOOK_DELIVERY_QUEUE, { endpointId: data.endpointId }, { singletonKey: String(data.endpointId) });
        },
        [WEBHOOK_SWEEP_QUEUE]: async (_data, queue) => wakeDue(queue),
        [WEBHOOK_PURGE_QUEUE]: async () => {
          await this.purge();
        },
      },
      schedules: [
        { queue: WEBHOOK_SWEEP_QUEUE, cron: '* * * * *' },
        { queue: WEBHOOK_PURGE_QUEUE, cron: '23 4 * * *' },
      ],
      start: wakeDue,
      stop: () => this.stop(),
    };
  }

  /**
   * One run for one endpoint; returns how many attempts it made. It wakes the endpoint again only
   * for what will be due: a retry at its time, a delivery another run holds when its lease ends,
   * or at once when this run stopped at its bound with more due. Nothing due, no job.
   */
  async run(endpointId: string, queue: JobQueue): Promise<number> {
    let attempts = 0;
    let failed = false;
    let stoppedShort = false;
    while (!failed) {
      if (attempts >= ATTEMPTS_PER_RUN) {
        stoppedShort = true;
        break;
      }
      const due = await this.deliveries.dueFor(endpointId);
      if (!due) break;
      const outcome = await this.attempt(due);
      if (outcome === null) break; // another run took it meanwhile: its lease says when it is free again
      attempts++;
      failed = outcome !== 'SUCCEEDED';
    }
    // When the next delivery can be attempted, by the same rule as above (the oldest pending one of
    // its object, not held by another run); the paused endpoint waits to be resumed.
    const next = await this.deliveries.secondsUntilNextFor(endpointId);
    if (next === null) return attempts;
    // After a failure the endpoint rests at least the first retry delay, whatever else is due.
    const inSeconds = failed ? Math.max(next, this.settings.retryBaseSeconds) : next;
    if (inSeconds > 0) await queue.send(WEBHOOK_RETRY_QUEUE, { endpointId }, { startAfterSeconds: inSeconds });
    // Due now: this run stopped at its bound, or a delivery came due (or its lease lapsed) as it ended.
    else if (stoppedShort || attempts > 0) await queue.send(WEBHOOK_DELIVERY_QUEUE, { endpointId }, { singletonKey: endpointId });
    else await queue.send(WEBHOOK_RETRY_QUEUE, { endpointId }, { startAfterSeconds: 1 });
    return attempts;
  }

  endpointsWithDueDeliveries(): Promise<string[]> {
    return this.deliveries.endpointsWithDue();
  }

  /** Events whose deliveries have all ended, older than the retention, go with their delivery log. */
  purge(): Promise<number> {
    return this.deliveries.purgeEnded(this.settings.retentionDays);
  }

  /** One attempt of one delivery, if it is still pending and no one else holds it (`null` otherwise). */
  async attempt(id: string): Promise<'SUCCEEDED' | 'RETRYING' | 'FAILED' | null> {
    // Longer than an attempt (its request times out; recording the outcome takes milliseconds), so
    // a lease only lapses when its process died; and short, since the endpoint's next event of the
    // same object waits for it: 60 s had a delivery after a kill -9 arrive 57.8 s after the restart.
    const leaseSeconds = Math.ceil(this.settings.requestTimeoutMs / 1000) + LEASE_MARGIN_SECONDS;
    const delivery = await this.deliveries.lease(id, leaseSeconds);
    if (!delivery) return null;
    const secrets = [delivery.secret];
    if (delivery.previousSecret && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > this.clock.now())
      secrets.push(delivery.previousSecret);
    const body = JSON.stringify({
      type: delivery.eventType,
      timestamp: delivery.occurredAt.toISOString(),
      data: {
        id: delivery.eventId,
        partnerId: delivery.partnerId,
        objectType: delivery.objectType,
        objectId: delivery.objectId,
        ...delivery.data,
      },
    });
    // Receivers compare the signed timestamp with their own clock: it is the real time of sending.
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.send(
      delivery.url,
      {
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.eventId, timestamp, body),
      },
      body,
    );
    const succeeded = result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300;
    const delay = retryDelaySeconds(delivery.attempts + 1, this.settings.retryBaseSeconds, this.settings.retryMaxSeconds);
    return this.deliveries.recordAttempt(
      delivery,
      {
        succeeded,
        httpStatus: result.httpStatus,
        latencyMs: result.latencyMs,
        error: result.error ?? (succeeded ? null : `HTTP ${result.httpStatus}`),
      },
      { giveUpAfterSeconds: this.settings.giveUpAfterSeconds, retryInSeconds: delay },
    );
  }

  /** Closes the connections to receivers (after the job queue stopped). */
  async stop(): Promise<void> {
    await this.sender.close();
  }
}

/**
 * The delivery backlog at `/metrics`, read from the delivery rows at scrape time (the same on
 * every replica): deliveries by status, the age of the oldest pending one, and the last hour's
 * attempts by outcome. Alert on a growing backlog or age, or on FAILED deliveries.
 */
export function registerDeliveryMetrics(registry: Registry, deliveries: DeliveryStore): void {
  new Gauge({
    name: 'webhook_deliveries',
    help: 'Webhook deliveries by status (PENDING, DELIVERED, FAILED), kept for the retention period',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await deliveries.countsByStatus();
      this.reset();
      for (const status of ['PENDING', 'DELIVERED', 'FAILED']) this.set({ status }, rows.find((row) => row.status === status)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'webhook_oldest_pending_delivery_seconds',
    help: 'Age of the oldest pending webhook delivery (0 when none)',
    registers: [registry],
    async collect() {
      this.set(await deliveries.oldestPendingAgeSeconds());
    },
  });
  new Gauge({
    name: 'webhook_attempts_last_hour',
    help: 'Webhook delivery attempts in the last hour by outcome (SUCCEEDED, RETRYING, FAILED)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      const rows = await deliveries.attemptsLastHourByOutcome();
      this.reset();
      for (const outcome of ['SUCCEEDED', 'RETRYING', 'FAILED'])
        this.set({ outcome }, rows.find((row) => row.outcome === outcome)?.count ?? 0);
    },
  });
}
