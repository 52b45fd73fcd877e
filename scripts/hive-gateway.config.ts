import { randomUUID } from 'node:crypto';
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { CONTEXT_HEADER, loadGatewayConfig, serviceUrls, ServiceClient, signContext, type Viewer } from '@partner-graph/platform';
import { bearerToken, createTokenVerifier } from '../gateway/src/auth.js';
import { ViewerDirectory } from '../gateway/src/viewer-directory.js';

/**
 * Hive Gateway as `npm run bench:gateway` runs it (`hive-gateway supergraph <file> -c <this file>`):
 * the Rust query planner (`@graphql-hive/router-runtime`), everything else at its defaults, the
 * client's `authorization` forwarded to every subgraph. Read from the same environment as our
 * gateway (AUTH_*, INTERNAL_SIGNING_SECRET, the subgraph URLs).
 *
 * The subgraphs take the viewer from a signed context header only our gateway makes, so this file
 * does per client request what our gateway does: verifies the token and resolves the viewer from
 * the partner directory (cached like ours). The signed header is reused for a viewer for 10 s (it
 * is valid 60 s), so that the same operation for the same viewer makes the same subgraph request,
 * as it will with a forwarded token: Hive's in-flight deduplication depends on it. Once the
 * subgraphs authenticate callers themselves, this is where Hive's own `hmacSignature` goes instead.
 */
const config = loadGatewayConfig();
const verifyToken = createTokenVerifier(config.auth);
const directory = new ViewerDirectory(
  new ServiceClient({ issuer: 'gateway-directory', secret: config.INTERNAL_SIGNING_SECRET, urls: serviceUrls(config) }),
  config.GATEWAY_VIEWER_CACHE_SECONDS * 1000,
);
const SIGNED_REUSE_MS = 10_000;
const signed = new Map<string, { header: Promise<string>; until: number }>();
const signedFor = (subject: string | null, viewer: () => Promise<Viewer>): Promise<string> => {
  const key = subject ?? '';
  let entry = signed.get(key);
  if (!entry || entry.until < Date.now()) {
    entry = { header: viewer().then((resolved) => signContext({ viewer: resolved, requestId: randomUUID(), issuer: 'gateway' }, config.INTERNAL_SIGNING_SECRET)), until: Date.now() + SIGNED_REUSE_MS };
    entry.header.catch(() => signed.delete(key));
    signed.set(key, entry);
  }
  return entry.header;
};
/** The headers of one client request's subgraph calls, worked out once per client request. */
const perRequest = new WeakMap<Request, Promise<Record<string, string | null>>>();
const headersFor = async (request: Request): Promise<Record<string, string | null>> => {
  const authorization = request.headers.get('authorization');
  const token = bearerToken(authorization ?? undefined);
  const subject = token ? await verifyToken(token) : null;
  const header = await signedFor(subject, async () => (subject ? directory.resolve(subject, randomUUID()) : { kind: 'anonymous' }));
  return { authorization, [CONTEXT_HEADER]: header };
};

export const gatewayConfig = defineConfig({
  unifiedGraphHandler,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      let headers = perRequest.get(request);
      if (!headers) perRequest.set(request, (headers = headersFor(request)));
      return headers;
    },
  },
});
