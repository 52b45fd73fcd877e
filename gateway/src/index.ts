import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, loadGatewayConfig, portInUseMessage, serviceUrls } from '@partner-graph/platform';
import { stopOnSignals } from '@partner-graph/platform/service';
import { createGateway } from './server.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.LOG_LEVEL);
const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
// Built by `npm start` (packages/explorer); not in the production image, where it is off anyway.
const explorerDir = fileURLToPath(new URL('../../packages/explorer/dist', import.meta.url));
const gateway = await createGateway({ config, supergraphSdl, subgraphUrls: serviceUrls(config), logger, explorerDir });
const server = await gateway.listen(config.GATEWAY_PORT, config.HOST).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  logger.fatal(portInUseMessage(config.GATEWAY_PORT, config.HOST, 'GATEWAY_PORT'));
  process.exit(1);
});
// Behind a load balancer the client address (anonymous rate limit) is only right with the right hop count.
logger.info(
  { url: server.url, trustProxyHops: config.TRUST_PROXY_HOPS, persistedDocumentsOnly: config.PERSISTED_DOCUMENTS_ONLY },
  'gateway listening',
);

// `/ready` fails at once; after SHUTDOWN_DELAY_MS it stops accepting and answers what is in flight within SHUTDOWN_GRACE_MS.
stopOnSignals(logger, config, () => server.close(config.SHUTDOWN_DELAY_MS));
