import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, loadGatewayConfig, portInUseMessage, serviceUrls } from '@partner-graph/platform';
import { stopTelemetry } from '@partner-graph/platform/telemetry';
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
logger.info({ url: server.url }, 'gateway listening');

let stopping = false;
/** `/ready` fails at once; after SHUTDOWN_DELAY_MS it stops accepting and answers what is in flight within SHUTDOWN_GRACE_MS, then exits 0. */
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, delayMs: config.SHUTDOWN_DELAY_MS, graceMs: config.SHUTDOWN_GRACE_MS }, 'stopping: not ready, then draining');
  try {
    await server.close(config.SHUTDOWN_DELAY_MS);
    await stopTelemetry();
  } catch (error) {
    logger.error({ err: error }, 'stopping failed');
    process.exit(1);
  }
  logger.info('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// Under `npm start` the channel to its supervisor closes when the supervisor dies, however it died.
process.on('disconnect', () => void stop('supervisor gone'));
