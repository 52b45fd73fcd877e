import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { databaseUrlFor, DEMO, dropDatabase, openDatabase, TestClock } from '@partner-graph/platform';
import { entities, migrations } from '../src/db/index.js';
import { seedBulkCustomers, seedDemo } from '../src/db/seed.js';
import { explainPrefixSearch } from '../src/bench.js';
import { customerPage } from '../src/db/customer-views.js';

// The list and the prefix search read an index, not the table. Enough customers that the
// planner would rather scan than sort if no index served; the 100 000-customer timings are
// `npm run bench`'s.
let db: DataSource;
let url: string;
const clock = new TestClock();
const COUNT = 20_000;

beforeAll(async () => {
  url = databaseUrlFor(inject('databaseServerUrl'), `scale_${randomBytes(4).toString('hex')}_customer`);
  db = (await openDatabase({ url, entities, migrations })).dataSource;
  await seedDemo(db, clock);
  await seedBulkCustomers(db, clock, { partnerId: DEMO.partners.contoso, count: COUNT });
});
afterAll(async () => {
  await db?.destroy();
  if (url) await dropDatabase(url);
});

describe(`customers of one partner at ${COUNT}`, () => {
  it('a prefix search page is planned on the partner/name and partner/domain indexes', async () => {
    const plan = await explainPrefixSearch(db, DEMO.partners.contoso, 'summit tr', 21, clock.now());
    expect(plan).toMatch(/customer_partner_by_name/);
    expect(plan).toMatch(/customer_partner_by_domain/);
    expect(plan).not.toMatch(/Seq Scan on customer_partner/);
    expect(plan).not.toMatch(/Seq Scan on customer /);
  });

  it('keyset pages walk the whole list in order without gaps or repeats', async () => {
    const seen = new Set<string>();
    let after: [string, string] | null = null;
    let previous = '';
    for (let page = 0; page < 5; page++) {
      const rows = await customerPage(db.manager, {
        partnerId: DEMO.partners.contoso,
        now: clock.now(),
        limit: 20,
        after,
        prefixPattern: 'willow%',
      });
      for (const row of rows) {
        expect(seen.has(row.id)).toBe(false);
        seen.add(row.id);
        expect(`${row.nameKey}\u0000${row.id}` > previous).toBe(true);
        previous = `${row.nameKey}\u0000${row.id}`;
      }
      const last = rows.at(-1)!;
      after = [last.nameKey, last.id];
    }
    expect(seen.size).toBe(100);
  });
});
