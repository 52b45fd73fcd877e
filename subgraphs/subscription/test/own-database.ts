import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  createLogger,
  databaseUrlFor,
  dropDatabase,
  loadTestConfig,
  openDatabase,
  createRuntime,
  SUBGRAPHS,
  TestClock,
  type SubgraphName,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import { subscriptionSubgraph } from '../src/server.js';

/**
 * The subscription subgraph's own database and runtime alone (fresh database, migrations, demo
 * data), for the domain rules that need no other subgraph: the lifecycle and its scheduler.
 */
export async function openSubscriptionRuntime(
  clock = new TestClock(),
): Promise<{ runtime: SubgraphRuntime; clock: TestClock; close(): Promise<void> }> {
  const url = databaseUrlFor(inject('databaseServerUrl'), `t${randomBytes(4).toString('hex')}_subscription_only`);
  const logger = createLogger('subscription', loadTestConfig().LOG_LEVEL);
  const { dataSource: db } = await openDatabase({
    url,
    entities: subscriptionSubgraph.entities,
    migrations: subscriptionSubgraph.migrations,
    logger,
  });
  await subscriptionSubgraph.seedDemo(db, clock);
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, 'http://127.0.0.1:1/unset'])) as Record<SubgraphName, string>;
  const runtime = createRuntime({
    name: 'subscription',
    db,
    databaseUrl: url,
    clock,
    logger,
    urls,
    secret: 'unused-in-these-tests-0123456789abcdef',
    trust: {
      router: { signingSecret: 'unused-in-these-tests-0123456789abcdef' },
      auth: { mode: 'hs256', secret: 'unused-in-these-tests-0123456789abcdef' },
      viewerCacheMs: 30_000,
    },
    publicAcceptUrl: 'https://partner-graph.example/accept',
  });
  return {
    runtime,
    clock,
    close: async () => {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}
