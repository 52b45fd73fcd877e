import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { fetch as undiciFetch, Response as UndiciResponse } from 'undici';
import {
  bearerToken,
  boundedDocumentStore,
  createTokenVerifier,
  databaseUrlFor,
  httpErrors,
  isReadOnly,
  keepAliveAgent,
  listen,
  mountHealth,
  serviceCheck,
  SUBGRAPHS,
  createMetrics,
  rejectUnstorableInput,
  withOneRetry,
  partnerDirectoryLookup,
  ROUTER_PROOF_EXTENSION,
  ServiceClient,
  signRouterProof,
  ViewerDirectory,
  type Clock,
  type GatewayConfig,
  type ListeningServer,
  type Logger,
  type SubgraphName,
  type Viewer,
} from '@partner-graph/platform';
import { mountExplorer } from './explorer.js';
import { dashboardManifest, mountDashboard } from './dashboard.js';
import { loadPersistedDocuments, persistedDocuments } from './persisted-documents.js';
import { gatewayFormatError, implementScalars, nameMistakenArguments, oneUnauthenticated, queryLimits } from './edge.js';
import { createRateLimit, rateLimitStep } from './rate-limit.js';

export interface GatewayContext extends BaseContext {
  viewer: Viewer;
  requestId: string;
  /** The client's `Authorization` header, forwarded to every subgraph (which authenticates the user itself). */
  authorization?: string;
}

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

type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'];

/** A subgraph's answer, read once and handed to every request that asked the same question. */
interface SharedAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * Every subgraph call: one keep-alive pool, the client's token forwarded, the router's proof
 * (Hive Gateway's `hmacSignature` format) over the operation and variables, a deadline (a read
 * may retry once within it when the first attempt could not connect), and identical reads in
 * flight merged into one call.
 */
class RouterDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /**
   * Reads in flight, by subgraph URL, forwarded token and body (document, variables, proof):
   * a request joins one only when it would send exactly the same thing as the same user, so
   * no one is answered with what another user may see.
   */
  private readonly inFlight = new Map<string, Promise<SharedAnswer>>();

  constructor(
    url: string,
    private readonly routerSecret: string,
    private readonly serviceName: string,
    timeoutMs: number,
  ) {
    super({
      url,
      fetcher: (async (input: string, init: { body: string; headers: Record<string, string> }) => {
        // The planner's subgraph documents start with their operation keyword (or `{` for a query).
        const readOnly = /^\{"query":"(\{|query\b)/.test(init.body);
        const send = () => {
          const signal = AbortSignal.timeout(timeoutMs);
          return withOneRetry(() => undiciFetch(input, { ...init, dispatcher: keepAliveAgent, signal } as never), readOnly, signal);
        };
        if (!readOnly) return send();
        const key = `${init.headers.authorization ?? ''}\n${init.body}`;
        let answer = this.inFlight.get(key);
        if (!answer) {
          answer = send().then(async (response) => ({ status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.text() }));
          this.inFlight.set(key, answer);
          const forget = () => this.inFlight.delete(key);
          answer.then(forget, forget);
        }
        const { status, statusText, headers, body } = await answer;
        return new UndiciResponse(body, { status, statusText, headers });
      }) as unknown as Fetcher,
    });
  }

  /**
   * A subgraph answering with an HTTP error: a client's mistake it reports (a bad variable)
   * keeps its message and code; anything else is internal. Never its URL or raw body.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = (await response.json().catch(() => null)) as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | null;
    const first = body?.errors?.[0];
    const code = first?.extensions?.code;
    if (typeof first?.message === 'string' && (code === 'BAD_USER_INPUT' || code === 'UNAUTHENTICATED' || code === 'FORBIDDEN')) {
      return new GraphQLError(first.message, { extensions: { code } });
    }
    return new GraphQLError(`The ${this.serviceName} service answered HTTP ${response.status}`, { extensions: { serviceName: this.serviceName } });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { authorization, requestId } = context as Partial<GatewayContext>;
    request.extensions = { ...request.extensions, [ROUTER_PROOF_EXTENSION]: signRouterProof(this.routerSecret, { query: request.query!, variables: request.variables }) };
    if (authorization) request.http?.headers.set('authorization', authorization);
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }

  /** A subgraph that does not answer costs only its fields, with a clear code (no addresses). */
  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): void {
    if (!response || response.status >= 502 || (error as { name?: string }).name === 'TimeoutError') {
      throw new GraphQLError(`The ${this.serviceName} service is unavailable; try again shortly`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
        originalError: error,
      });
    }
    throw error;
  }
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Builds the gateway's HTTP app; `listen` starts it. */
export async function createGateway(options: GatewayOptions) {
  const { config, logger } = options;
  const verifyToken = createTokenVerifier(config.auth);
  // The subgraphs decide every request themselves; the gateway resolves the viewer too only to
  // refuse a bad token or an unknown user at the edge, with HTTP 401, before planning anything.
  const directory = new ViewerDirectory(
    // Its own issuer: the directory lookup is the gateway acting for itself, not forwarding a client.
    partnerDirectoryLookup(new ServiceClient({ issuer: 'gateway-directory', secret: config.INTERNAL_SIGNING_SECRET, urls: options.subgraphUrls })),
    config.GATEWAY_VIEWER_CACHE_SECONDS * 1000,
    options.clock,
  );

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new RouterDataSource(url, config.ROUTER_SIGNING_SECRET, name, config.SUBGRAPH_TIMEOUT_MS);
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
  const metrics = createMetrics('gateway', logger);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // graphql-armor ships CommonJS typings of @apollo/server; the plugins are the same at run time.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin as ApolloServerPlugin<GatewayContext>,
      rejectUnstorableInput as ApolloServerPlugin<GatewayContext>,
      nameMistakenArguments as ApolloServerPlugin<GatewayContext>,
      oneUnauthenticated as ApolloServerPlugin<GatewayContext>,
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
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  const rateLimit = await createRateLimit({
    pointsPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
    databaseUrl: config.GATEWAY_DATABASE_URL ?? (config.DATABASE_URL ? databaseUrlFor(config.DATABASE_URL, 'partner_graph_gateway') : undefined),
    logger,
  });
  metrics.mount(app, config.edge.metrics);
  // Every authenticated request needs the partner subgraph (the viewer directory); without
  // another subgraph the gateway still answers the rest, so that one only degrades readiness.
  mountHealth(app, 'gateway', SUBGRAPHS.map((name) => serviceCheck(name, options.subgraphUrls[name], name === 'partner')));
  if (options.explorerDir && config.NODE_ENV !== 'production') mountExplorer(app, options.explorerDir);
  app.use(
    '/graphql',
    // A partner user's budget follows the user whichever replica or address it comes from.
    rateLimitStep(rateLimit.limiter, async (req, res) => {
      try {
        const token = bearerToken(req.header('authorization'));
        if (token !== null) {
          res.locals.subject = await verifyToken(token);
          return `user:${res.locals.subject}`;
        }
      } catch {
        // A bad token is refused by the context below; it is counted by address meanwhile.
      }
      return `ip:${req.ip ?? 'unknown'}`;
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
        if (token === null) return { viewer: { kind: 'anonymous' }, requestId };
        const subject = typeof res.locals.subject === 'string' ? res.locals.subject : await verifyToken(token);
        return { viewer: await directory.resolve(subject, requestId), requestId, authorization };
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
      return listen(app, port, host, async () => {
        await apollo.stop();
        await metricsServer?.close();
        await rateLimit.close();
      });
    },
  };
}
