import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { randomUUID } from 'node:crypto';
import {
  bearerToken,
  boundedDocumentStore,
  createTokenVerifier,
  databaseUrlFor,
  drainedHttpServer,
  httpErrors,
  listen,
  mountHealth,
  serviceCheck,
  SUBGRAPHS,
  createMetrics,
  GATEWAY_DIRECTORY,
  rejectUnstorableInput,
  partnerDirectoryLookup,
  ServiceClient,
  ViewerDirectory,
  type Clock,
  type GatewayConfig,
  type ListeningServer,
  type Logger,
  type SubgraphName,
} from '@partner-graph/platform';
import { mountExplorer } from './explorer.js';
import { dashboardManifest, mountDashboard } from './dashboard.js';
import { loadPersistedDocuments, persistedDocuments } from './persisted-documents.js';
import { gatewayFormatError, implementScalars, nameMistakenArguments, oneUnauthenticated, queryLimits } from './edge.js';
import { addressKey, createRateLimit, rateLimitStep } from './rate-limit.js';
import { publicLinkLimits } from './public-links.js';
import { SubgraphSource } from './subgraph-source.js';
import { AnswerCache, ChangeFeed } from './answer-cache.js';
import type { Registry } from 'prom-client';
import { sharingIdenticalQueries, stringifyOnce } from './shared-execution.js';
import type { GatewayContext } from './context.js';

export interface GatewayOptions {
  config: GatewayConfig;
  supergraphSdl: string;
  /** Where each subgraph answers (the supergraph's own URLs are placeholders). */
  subgraphUrls: Record<SubgraphName, string>;
  logger: Logger;
  /** The time source of the viewer cache; tests pass their clock. */
  clock?: Clock;
  /** The built GraphiQL page, served to browsers at /graphql outside production. */
  explorerDir?: string;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The answer cache and the feed of changes it needs, unless it is off or a subgraph's database is unknown. */
function answerCache(config: GatewayConfig, registry: Registry, logger: Logger, clock?: Clock) {
  if (config.GATEWAY_ANSWER_CACHE_MB === 0) return null;
  if (Object.keys(config.subgraphDatabaseUrls).length === 0) {
    logger.warn("Answer cache off: no DATABASE_URL or <SUBGRAPH>_DATABASE_URL to hear the subgraphs' changes from");
    return null;
  }
  const cache = new AnswerCache({ maxBytes: config.GATEWAY_ANSWER_CACHE_MB * 1024 * 1024, maxAgeSeconds: 30, clock, registry });
  return { cache, feed: new ChangeFeed(cache, config.subgraphDatabaseUrls as Record<string, string>, logger) };
}

/** Builds the gateway's HTTP app; `listen` starts it. */
export async function createGateway(options: GatewayOptions) {
  const { config, logger } = options;
  const verifyToken = createTokenVerifier(config.auth);
  // The subgraphs decide every request themselves; the gateway resolves the viewer too only to
  // refuse a bad token or an unknown user at the edge, with HTTP 401, before planning anything.
  const directory = new ViewerDirectory(
    // Its own issuer: the directory lookup is the gateway acting for itself, not forwarding a
    // client. It holds no service key: its identity is derived from the router's secret.
    partnerDirectoryLookup(
      new ServiceClient({ issuer: GATEWAY_DIRECTORY, secret: config.ROUTER_SIGNING_SECRET, urls: options.subgraphUrls }),
    ),
    config.GATEWAY_VIEWER_CACHE_SECONDS * 1000,
    options.clock,
  );

  const metrics = createMetrics('gateway', logger);
  const answers = answerCache(config, metrics.registry, logger, options.clock);

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SubgraphSource(url, config.ROUTER_SIGNING_SECRET, name, config.SUBGRAPH_TIMEOUT_MS, answers?.cache);
    },
    logger,
    // Query plans of ever-new documents: bounded like the parsed documents (the default is 30 MiB of JSON).
    experimental_approximateQueryPlanStoreMiB: 4,
  });
  implementScalars(gateway);

  // Query limits against abusive documents (depth, aliases, cost, tokens).
  const limits = queryLimits({ suggestions: config.edge.suggestions });

  const manifests = [dashboardManifest(config), config.PERSISTED_DOCUMENTS_PATH].filter(Boolean).join(',');
  const documents = manifests ? loadPersistedDocuments(manifests) : null;
  const rateLimit = await createRateLimit({
    pointsPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
    acceptancesPerAddressPerHour: config.ACCEPTANCES_PER_ADDRESS_PER_HOUR,
    acceptancesPerLinkPerHour: config.ACCEPTANCES_PER_LINK_PER_HOUR,
    databaseUrl:
      config.GATEWAY_DATABASE_URL ?? (config.DATABASE_URL ? databaseUrlFor(config.DATABASE_URL, 'partner_graph_gateway') : undefined),
    logger,
  });
  const http = drainedHttpServer(config.SHUTDOWN_GRACE_MS);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: sharingIdenticalQueries(gateway, answers?.cache ?? null),
    stringifyResult: stringifyOnce(),
    // graphql-armor ships CommonJS typings of @apollo/server; the plugins are the same at run time.
    plugins: [
      http.plugin as ApolloServerPlugin<GatewayContext>,
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin as ApolloServerPlugin<GatewayContext>,
      rejectUnstorableInput as ApolloServerPlugin<GatewayContext>,
      nameMistakenArguments as ApolloServerPlugin<GatewayContext>,
      oneUnauthenticated as ApolloServerPlugin<GatewayContext>,
      publicLinkLimits({ perAddress: rateLimit.acceptancesPerAddress, perLink: rateLimit.acceptancesPerLink }),
      ...(limits.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
    ],
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    allowBatchedHttpRequests: false,
    // Only the manifest's documents: nothing may be registered at run time (APQ).
    ...(config.PERSISTED_DOCUMENTS_ONLY ? { persistedQueries: false as const } : {}),
    includeStacktraceInErrorResponses: false,
    formatError: gatewayFormatError(logger),
    documentStore: boundedDocumentStore(),
    introspection: config.edge.introspection,
    logger,
    // The gateway stops in its own order (`index.ts`): readiness first, then this drain.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  await answers?.feed.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  // Every answer, the API's included: no content sniffing; in production, HTTPS only from the
  // first visit on for a year (a TLS-terminating proxy in front; browsers ignore it over HTTP).
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    if (config.NODE_ENV === 'production') res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
    next();
  });
  metrics.mount(app, config.edge.metrics);
  // Every authenticated request needs the partner subgraph (the viewer directory); without
  // another subgraph the gateway still answers the rest, so that one only degrades readiness.
  const health = mountHealth(
    app,
    'gateway',
    SUBGRAPHS.map((name) => serviceCheck(name, options.subgraphUrls[name], name === 'partner')),
  );
  if (options.explorerDir && config.NODE_ENV !== 'production') mountExplorer(app, options.explorerDir);
  app.use(
    '/graphql',
    // A partner user's budget follows the user whichever replica or address it comes from.
    rateLimitStep(rateLimit.requests, async (req, res) => {
      try {
        const token = bearerToken(req.header('authorization'));
        if (token !== null) {
          res.locals.subject = await verifyToken(token);
          return `user:${res.locals.subject}`;
        }
      } catch {
        // A bad token is refused by the context below; it is counted by address meanwhile.
      }
      return addressKey(req.ip);
    }),
    express.json({ limit: '1mb' }),
    ...(documents ? [persistedDocuments(documents, { only: config.PERSISTED_DOCUMENTS_ONLY })] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const incoming = req.header('x-request-id');
        const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', requestId);
        const authorization = req.header('authorization');
        const token = bearerToken(authorization);
        // Acceptances are budgeted per address as requests are: an IPv6 caller by its /64.
        const clientAddress = addressKey(req.ip);
        if (token === null) return { viewer: { kind: 'anonymous' }, requestId, clientAddress };
        const subject = typeof res.locals.subject === 'string' ? res.locals.subject : await verifyToken(token);
        return { viewer: await directory.resolve(subject, requestId), requestId, clientAddress, authorization };
      },
    }),
  );

  mountDashboard(app, config);

  app.use(httpErrors(logger));

  const metricsApp = metrics.ownApp(config.edge.metrics);
  return {
    app,
    apollo,
    listen: async (port: number, host = '127.0.0.1'): Promise<ListeningServer> => {
      const metricsServer = metricsApp ? await listen(metricsApp, config.edge.metrics.port!, host) : null;
      return listen(app, port, host, {
        server: http.server,
        unready: health.stopping,
        onClose: async () => {
          await apollo.stop();
          await metricsServer?.close();
          await rateLimit.close();
          await answers?.feed.stop();
        },
      });
    },
  };
}
