import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { gatewayConfig as deployed } from '../deploy/hive-gateway.config.js';

/**
 * Hive Gateway as `npm run bench:gateway` runs it (`hive-gateway supergraph <file> -c <this file>`):
 * the deployed configuration (deploy/hive-gateway.config.ts: `hmacSignature` with
 * ROUTER_SIGNING_SECRET, the client's token and request id forwarded) with the Rust query planner
 * (`@graphql-hive/router-runtime`); the supergraph file and its subgraph URLs come from the bench.
 */
const { supergraph: _fromTheCommandLine, ...rest } = deployed as typeof deployed & { supergraph?: unknown };
export const gatewayConfig = defineConfig({ ...rest, unifiedGraphHandler });
