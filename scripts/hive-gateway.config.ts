import { defineConfig, type HTTPTransportOptions } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { gatewayConfig as deployed } from '../deploy/hive-gateway.config.js';

/**
 * Hive Gateway as `npm run bench:gateway` runs it (`hive-gateway supergraph <file> -c <this file>`):
 * the deployed configuration (deploy/hive-gateway.config.ts: `hmacSignature` with
 * ROUTER_SIGNING_SECRET, the client's token and request id forwarded) with the Rust query planner
 * (`@graphql-hive/router-runtime`); the supergraph file and its subgraph URLs come from the bench.
 * `HIVE_DEDUPLICATE=false` turns off its merging of identical subgraph requests in flight (the
 * bench's `hive-no-dedup` target); `HIVE_INBOUND_DEDUPLICATE=true` turns on its merging of
 * identical incoming requests for one token, off by default (`hive-inbound-dedup`), which our
 * gateway does.
 */
const { supergraph: _fromTheCommandLine, ...rest } = deployed as typeof deployed & { supergraph?: unknown };
const noDedup = process.env.HIVE_DEDUPLICATE === 'false';
const inboundDedup = process.env.HIVE_INBOUND_DEDUPLICATE === 'true';
export const gatewayConfig = defineConfig({
  ...rest,
  unifiedGraphHandler,
  ...(inboundDedup ? { inboundInflightRequestDeduplication: { shouldIncludeHeader: (name: string) => name === 'authorization' } } : {}),
  ...(noDedup
    ? {
        transportEntries: {
          ...rest.transportEntries,
          '*.http': { options: { deduplicateInflightRequests: false } as HTTPTransportOptions },
        },
      }
    : {}),
});
