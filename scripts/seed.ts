import { parseArgs } from 'node:util';
import { createLogger, loadScriptConfig, openDatabase, systemClock, SUBGRAPHS, type Logger } from '@partner-graph/platform';
import { databaseServer, type DatabaseServer } from './database-server.js';
import { MODULES } from './subgraphs.js';

/** Creates every subgraph's database, runs the migrations and seeds the demo data where empty. */
export async function seedDemoData(server: DatabaseServer, logger: Logger): Promise<void> {
  for (const name of SUBGRAPHS) {
    const module = MODULES[name];
    const { dataSource } = await openDatabase({ url: server.urls[name], entities: module.entities, migrations: module.migrations, logger });
    try {
      await module.seedDemo(dataSource, systemClock);
    } finally {
      await dataSource.destroy();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { customers: { type: 'string' }, partner: { type: 'string', default: 'contoso' } } });
  const config = loadScriptConfig();
  const logger = createLogger('seed', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const server = await databaseServer(config, logger, { reuseRunning: true });
  try {
    await seedDemoData(server, logger);
    console.log('Demo data is in place.');
    if (values.customers) {
      const { seedBulk } = await import('./seed-bulk.js');
      await seedBulk(server, logger, { customers: Number(values.customers), partner: values.partner! });
    }
  } finally {
    await server.stop();
  }
}
