import { parseArgs } from 'node:util';
import { DEMO, loadScriptConfig } from '@partner-graph/platform';
import { scratchPostgres } from './embedded-postgres.js';
import { seedBulkCustomers } from '@partner-graph/customer/seed';
import { benchCustomerSearch } from '@partner-graph/customer/bench';
import { startStack } from '../test/stack.js';

/**
 * `npm run bench [-- --customers 100000 --runs 30]`: the customer list and prefix search of one
 * partner with that many customers, timed through the gateway (what a client sees) and as the
 * single SQL statement the subgraph runs, with the plan of a prefix search. Uses DATABASE_URL
 * when set, otherwise a throwaway embedded server.
 */
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '30' },
    explain: { type: 'string', default: 'summit' },
  },
});
const customers = Number(values.customers);
const runs = Number(values.runs);

const config = loadScriptConfig();
const { url: databaseServerUrl, stop: stopDatabase } = await scratchPostgres(config.DATABASE_URL, 'bench');

const stack = await startStack({ databaseServerUrl });
try {
  let started = performance.now();
  await seedBulkCustomers(stack.subgraphs.customer.db, stack.clock, { partnerId: DEMO.partners.contoso, count: customers });
  console.log(`Loaded ${customers} customers for Contoso in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const token = await stack.tokenFor(DEMO.users.contosoAgent.email);
  const query = `query($search: String, $after: String) { customers(first: 20, search: $search, after: $after) { edges { node { id companyName defaultDomain } } pageInfo { hasNextPage endCursor } } }`;
  const searches: (string | null)[] = [null, 'a', 'summit', 'summit tr', 'willow1', 'zephyr trading 99', 'nomatch'];
  console.log(`Through the gateway (first: 20), ${runs} runs each, milliseconds:`);
  console.log('search'.padEnd(22), 'rows'.padStart(5), 'median'.padStart(8), 'p95'.padStart(8), 'max'.padStart(8));
  for (const search of searches) {
    const durations: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run++) {
      started = performance.now();
      const response = await stack.graphql<{ customers: { edges: unknown[] } }>(query, { search }, { token });
      durations.push(performance.now() - started);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      rows = response.data!.customers.edges.length;
    }
    durations.sort((a, b) => a - b);
    const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!.toFixed(1);
    console.log(
      String(search ?? '(none)').padEnd(22),
      String(rows).padStart(5),
      at(0.5).padStart(8),
      at(0.95).padStart(8),
      at(1).padStart(8),
    );
  }

  const sql = await benchCustomerSearch(stack.subgraphs.customer.db, {
    partnerId: DEMO.partners.contoso,
    now: stack.clock.now(),
    runs,
    searches,
    explain: values.explain,
  });
  console.log(`\nThe subgraph's one SQL statement, ${runs} runs each, milliseconds:`);
  for (const timing of sql.timings) {
    console.log(
      String(timing.search ?? '(none)').padEnd(22),
      String(timing.rows).padStart(5),
      timing.medianMs.toFixed(2).padStart(8),
      ''.padStart(8),
      timing.maxMs.toFixed(2).padStart(8),
    );
  }
  console.log(`\nPlan of the prefix search "${values.explain}":\n${sql.plan}`);
} finally {
  await stack.stop();
  await stopDatabase();
}
