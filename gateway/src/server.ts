import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express from 'express';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { randomUUID } from 'node:crypto';
import { fetch as undiciFetch } from 'undici';
import {
  CONTEXT_HEADER,
  keepAliveAgent,
  listen,
  maskErrors,
  createMetrics,
  ServiceClient,
  signContext,
  type GatewayConfig,
  type ListeningServer,
  type Logger,
  type SubgraphName,
  type Viewer,
} from '@partner-graph/platform';
import { bearerToken, createTokenVerifier } from './auth.js';
import { dashboardManifest, mountDashboard } from './dashboard.js';
import { loadPersistedDocuments, persistedDocuments } from './persisted-documents.js';
import { ViewerDirectory } from './viewer-directory.js';

export interface GatewayContext extends BaseContext {
  viewer: Viewer;
  requestId: string;
}

export interface GatewayOptions {
  config: GatewayConfig;
  supergraphSdl: string;
  /** Where each subgraph answers (the supergraph's own URLs are placeholders). */
  subgraphUrls: Record<SubgraphName, string>;
  logger: Logger;
}

type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'];

/** Every subgraph call: one keep-alive pool, the viewer context signed into a header. */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
    private readonly serviceName: string,
  ) {
    super({
      url,
      fetcher: ((input: string, init?: Record<string, unknown>) => undiciFetch(input, { ...init, dispatcher: keepAliveAgent } as never)) as unknown as Fetcher,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const { viewer, requestId } = context as Partial<GatewayContext>;
    // Composition-time and health requests carry no client context: they are the gateway's own.
    const token = await signContext({ viewer: viewer ?? { kind: 'system' }, requestId: requestId ?? randomUUID(), issuer: 'gateway' }, this.secret);
    request.http?.headers.set(CONTEXT_HEADER, token);
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }

  /** A subgraph that does not answer costs only its fields, with a clear code (no addresses). */
  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): void {
    if (!response || response.status >= 502) {
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
  const directory = new ViewerDirectory(
    // Its own issuer: the directory lookup is the gateway acting for itself, not forwarding a client.
    new ServiceClient({ issuer: 'gateway-directory', secret: config.INTERNAL_SIGNING_SECRET, urls: options.subgraphUrls }),
    config.GATEWAY_VIEWER_CACHE_SECONDS * 1000,
  );

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SignedDataSource(url, config.INTERNAL_SIGNING_SECRET, name);
    },
    logger,
  });

  // Query limits against abusive documents (depth, aliases, cost, tokens).
  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 30 },
    costLimit: { maxCost: 20_000 },
    maxTokens: { n: 5_000 },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();

  const manifests = [dashboardManifest(config), config.PERSISTED_DOCUMENTS_PATH].filter(Boolean).join(',');
  const documents = manifests ? loadPersistedDocuments(manifests) : null;
  const metrics = createMetrics('gateway', logger);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // graphql-armor ships CommonJS typings of @apollo/server; the plugins are the same at run time.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin as ApolloServerPlugin<GatewayContext>,
      ...(armor.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
    ],
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    // Only the manifest's documents: nothing may be registered at run time (APQ).
    ...(config.PERSISTED_DOCUMENTS_ONLY ? { persistedQueries: false as const } : {}),
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors(logger),
    introspection: true,
    logger,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.GATEWAY_TRUSTED_PROXIES);
  const limiter = new RateLimiterMemory({ points: config.GATEWAY_RATE_LIMIT_PER_MINUTE, duration: 60 });
  metrics.mount(app);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.use(
    '/graphql',
    async (req, res, next) => {
      try {
        await limiter.consume(req.ip ?? 'unknown');
        next();
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) return next(rejection);
        res.setHeader('retry-after', String(Math.ceil(rejection.msBeforeNext / 1000)));
        res.status(429).json({ errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED' } }] });
      }
    },
    express.json({ limit: '1mb' }),
    ...(documents ? [persistedDocuments(documents, { only: config.PERSISTED_DOCUMENTS_ONLY })] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const incoming = req.header('x-request-id');
        const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', requestId);
        const token = bearerToken(req.header('authorization'));
        if (token === null) return { viewer: { kind: 'anonymous' }, requestId };
        const subject = await verifyToken(token);
        return { viewer: await directory.resolve(subject, requestId), requestId };
      },
    }),
  );

  mountDashboard(app, config);

  return {
    app,
    apollo,
    listen: (port: number, host = '127.0.0.1'): Promise<ListeningServer> => listen(app, port, host, () => apollo.stop()),
  };
}
export { signDevToken } from './auth.js';
