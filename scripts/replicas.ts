import { parseArgs } from 'node:util';
import { DEV_JWT_SECRET, loadScriptConfig } from '@partner-graph/platform';
import { scratchPostgres } from './embedded-postgres.js';
import { checkReplicas, formatReplicasReport } from './replicas-check.js';

/**
 * `npm run replicas [-- --seconds 180 --settle 90 --writers 2 --rate-limit 300]`: two replicas
 * of every service on one database per subgraph, a steady write and webhook load, one replica
 * of each service killed with kill -9 in turn, and the report (scripts/replicas-check.ts).
 * Uses DATABASE_URL when set (databases partner_graph_replicas_*, dropped after), otherwise a
 * throwaway embedded server. Exits 1 when something acknowledged was lost, doubled or left undone.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    settle: { type: 'string', default: '90' },
    writers: { type: 'string', default: '2' },
    'rate-limit': { type: 'string', default: '300' },
  },
});
const config = loadScriptConfig();
const { url: serverUrl, stop: stopDatabase } = await scratchPostgres(config.DATABASE_URL, 'replicas');
try {
  const report = await checkReplicas({
    serverUrl,
    databasePrefix: 'partner_graph_replicas',
    seconds: Number(values.seconds),
    settleSeconds: Number(values.settle),
    writers: Number(values.writers),
    rateLimitPerMinute: Number(values['rate-limit']),
    jwtSecret: config.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
    logLevel: 'error',
    progress: (line) => console.log(line),
  });
  console.log(`\n${formatReplicasReport(report)}`);
  const { writes, webhooks, notices } = report;
  const sound =
    writes.missing === 0 &&
    writes.duplicated === 0 &&
    writes.subscriptionsDoubled === 0 &&
    writes.active === writes.acknowledged &&
    webhooks.missing === 0 &&
    webhooks.acceptedTwice === 0 &&
    notices.duplicated === 0 &&
    notices.eventsDuplicated === 0;
  process.exitCode = sound ? 0 : 1;
} finally {
  await stopDatabase();
}
