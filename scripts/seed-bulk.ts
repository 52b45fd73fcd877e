import { DEMO, openDatabase, systemClock, type Logger } from '@partner-graph/platform';
import { seedBulkCustomers } from '@partner-graph/customer/seed';
import type { DatabaseServer } from './database-server.js';
import { MODULES } from './subgraphs.js';

const PARTNERS: Record<string, string> = { contoso: DEMO.partners.contoso, fabrikam: DEMO.partners.fabrikam };

/** `npm run seed -- --customers N [--partner contoso|fabrikam]`: N more customers for scale tests. */
export async function seedBulk(server: DatabaseServer, logger: Logger, options: { customers: number; partner: string }): Promise<void> {
  const partnerId = PARTNERS[options.partner];
  if (!partnerId) throw new Error(`--partner must be one of ${Object.keys(PARTNERS).join(', ')}`);
  if (!Number.isInteger(options.customers) || options.customers < 1) throw new Error('--customers must be a positive whole number');
  const module = MODULES.customer;
  const { dataSource } = await openDatabase({
    url: server.urls.customer,
    entities: module.entities,
    migrations: module.migrations,
    logger,
  });
  try {
    const started = performance.now();
    await seedBulkCustomers(dataSource, systemClock, { partnerId, count: options.customers });
    console.log(`Loaded ${options.customers} customers for ${options.partner} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await dataSource.destroy();
  }
}
