import { describe, expect, inject, it } from 'vitest';
import { DEV_JWT_SECRET } from '@partner-graph/platform';
import { checkReplicas, formatReplicasReport } from '../scripts/replicas-check.js';

// `npm run replicas`, shorter: two replicas of every service as processes on the suite's
// PostgreSQL, one replica of each killed with kill -9 in turn under a write and webhook load.
describe('two replicas of every service behave as one', () => {
  it('losing a replica to kill -9 loses and doubles nothing', async () => {
    const report = await checkReplicas({
      serverUrl: inject('databaseServerUrl'),
      databasePrefix: `${inject('testRunId')}_replicas`,
      seconds: 30,
      settleSeconds: 60,
      writers: 2,
      rateLimitPerMinute: 120,
      jwtSecret: DEV_JWT_SECRET,
      logLevel: 'silent',
      progress: (line) => console.log(line),
    });
    console.log(formatReplicasReport(report));

    expect(report.kills.map((kill) => kill.replica)).toEqual([
      'partner-1',
      'customer-2',
      'subscription-1',
      'offer-2',
      'licensing-key-1',
      'gateway-2',
    ]);
    for (const kill of report.kills) expect(kill.restartedPid).not.toBe(kill.pid);
    // Every write acknowledged to the client exists once, never with a second subscription; no flow gave up.
    const { writes } = report;
    expect(writes.acknowledged).toBeGreaterThan(0);
    expect(writes).toMatchObject({ missing: 0, duplicated: 0, subscriptionsDoubled: 0 });
    for (const states of Object.values(report.flows)) expect(states.FAILED ?? 0).toBe(0);
    // Every event the receiver accepted was signed. Delivery is at least once: a partner replica
    // killed between the receiver's 2xx and recording it leaves that one delivery to be sent again
    // (same event id, which a receiver deduplicates on), and only that one: one run per endpoint
    // sends one event at a time, so one kill of the partner subgraph repeats at most one or two.
    expect(report.webhooks.received).toBeGreaterThan(0);
    expect(report.webhooks.badSignatures).toBe(0);
    expect(report.webhooks.acceptedTwice).toBeLessThanOrEqual(2);
    // The renewal notices' scheduler asked every few seconds on two replicas: each notice once, one event each.
    expect(report.notices.recorded).toBeGreaterThan(0);
    expect(report.notices).toMatchObject({ duplicated: 0, events: report.notices.recorded, eventsDuplicated: 0 });
    // One budget across both gateways: separate counters would let all 1.5 budgets through.
    expect(report.rateLimit.accepted).toBeGreaterThanOrEqual(report.rateLimit.perMinute * 0.9);
    expect(report.rateLimit.accepted).toBeLessThanOrEqual(report.rateLimit.perMinute * 1.1);
    // SIGTERM to a gateway replica under load: every request answered, none cut or refused.
    expect(report.gatewayStop.requests).toBeGreaterThan(10);
    expect(report.gatewayStop).toMatchObject({ connectionErrors: 0, http5xx: 0 });
    expect(report.gatewayStop.answered).toBe(report.gatewayStop.requests);
    expect(report.queueWaits.length).toBeGreaterThan(0);
    // After every kill -9 every queue moved again within a minute (a dead replica's job is handed
    // back by the heartbeat supervisor and taken up by the other one): everything acknowledged done,
    // each customer ACTIVE with exactly one subscription, every event delivered.
    expect(report.longestQueueStallSeconds).toBeLessThan(60);
    expect(report.settledAfterSeconds).not.toBeNull();
    expect(writes.active).toBe(writes.acknowledged);
    expect(writes.subscriptionsOnce).toBe(writes.acknowledged);
    expect(report.webhooks.missing).toBe(0);
  }, 600_000);
});
