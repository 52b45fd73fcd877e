import { randomUUID } from 'node:crypto';
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { CONTEXT_HEADER, loadGatewayConfig, serviceUrls, ServiceClient, signContext } from '@partner-graph/platform';
import { bearerToken, createTokenVerifier } from '../gateway/src/auth.js';
import { ViewerDirectory } from '../gateway/src/viewer-directory.js';

/**
 * Hive Gateway as `npm run bench:gateway` runs it (`hive-gateway supergraph <file> -c <this file>`):
 * the Rust query planner (`@graphql-hive/router-runtime`), everything else at its defaults, the
 * client's `authorization` forwarded to every subgraph. Read from the same environment as our
 * gateway (AUTH_*, INTERNAL_SIGNING_SECRET, the subgraph URLs).
 *
 * The subgraphs take the viewer from a signed context header only our gateway makes, so this file
 * does per request what our gateway does: verifies the token, resolves the viewer from the partner
 * directory (cached like ours) and signs the header. Once the subgraphs authenticate callers
 * themselves, this is where Hive's own `hmacSignature` goes instead.
 */
const config = loadGatewayConfig();
const verifyToken = createTokenVerifier(config.auth);
const directory = new ViewerDirectory(
  new ServiceClient({ issuer: 'gateway-directory', secret: config.INTERNAL_SIGNING_SECRET, urls: serviceUrls(config) }),
  config.GATEWAY_VIEWER_CACHE_SECONDS * 1000,
);

export const gatewayConfig = defineConfig({
  unifiedGraphHandler,
  propagateHeaders: {
    fromClientToSubgraphs: async ({ request }) => {
      const authorization = request.headers.get('authorization');
      const token = bearerToken(authorization ?? undefined);
      const requestId = randomUUID();
      const viewer = token ? await directory.resolve(await verifyToken(token), requestId) : { kind: 'anonymous' as const };
      return { authorization, [CONTEXT_HEADER]: await signContext({ viewer, requestId, issuer: 'gateway' }, config.INTERNAL_SIGNING_SECRET) };
    },
  },
});
