import { readFileSync } from 'node:fs';
import { createLogger, loadGatewayConfig, serviceUrls } from '@partner-graph/platform';
import { stopTelemetry } from '@partner-graph/platform/telemetry';
import { createGateway } from './server.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.LOG_LEVEL);
const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const gateway = await createGateway({ config, supergraphSdl, subgraphUrls: serviceUrls(config), logger });
const server = await gateway.listen(config.GATEWAY_PORT, config.HOST);
logger.info({ url: server.url }, 'gateway listening');

const stop = async () => {
  await server.close();
  await stopTelemetry();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
