import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import express, { type Express } from 'express';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { boundedDocumentStore, httpErrors, maskErrors, rejectUnstorableInput } from './edge.js';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { databaseCheck, mountHealth } from './health.js';
import type { SubgraphRuntime } from './service.js';
import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import { writeAudit } from './platform-tables.js';
import { CONTEXT_HEADER, requireService, verifyContext, type SignedContext } from './viewer.js';
import { auditTrailResolver } from './audit-trail.js';

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The root field `_entities` or `_service` an operation selects, however it is reached: directly,
 * through inline fragments (`... on Query { _entities }`) or named fragments spread at the root.
 */
export function gatewayOnlyFieldIn(operation: OperationDefinitionNode, document: DocumentNode): string | null {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): string | null => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '_entities' || selection.name.value === '_service') return selection.name.value;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = walk(selection.selectionSet);
        if (found) return found;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        const found = fragment ? walk(fragment.selectionSet) : null;
        if (found) return found;
      }
    }
    return null;
  };
  return walk(operation.selectionSet);
}

/** Refuses `_entities` and `_service` unless the gateway signed the request. */
const gatewayOnlyFields: ApolloServerPlugin<{ signed: SignedContext }> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        if (contextValue.signed.issuer === 'gateway' || !operation) return;
        const field = gatewayOnlyFieldIn(operation, document);
        if (field) throw new GraphQLError(`${field} is for the gateway only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      },
    };
  },
};

/**
 * Audits refused mutations too: a mutation that ends with payload errors or a FORBIDDEN error
 * changed nothing (its transaction rolled back), so this writes the record of the attempt.
 * Inputs are not recorded (they may hold passwords or product keys).
 */
function auditRefusals(db: DataSource, clock: Clock, logger: Logger): ApolloServerPlugin<{ signed: SignedContext }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, response, contextValue, errors }) {
          if (operation?.operation !== 'mutation' || response.body.kind !== 'single') return;
          const data = (response.body.singleResult.data ?? {}) as Record<string, unknown>;
          const refusals: { field: string; outcome: string; detail: unknown }[] = [];
          for (const [field, value] of Object.entries(data)) {
            const payloadErrors = (value as { errors?: { code: string; field: string | null }[] } | null)?.errors;
            if (payloadErrors?.length) {
              refusals.push({ field, outcome: `REJECTED: ${payloadErrors.map((e) => e.code).join(', ')}`, detail: payloadErrors.map(({ code, field: at }) => ({ code, field: at })) });
            }
          }
          for (const error of errors ?? []) {
            const code = (error as GraphQLError).extensions?.code;
            const field = (error as GraphQLError).path?.[0];
            if ((code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') && typeof field === 'string') refusals.push({ field, outcome: String(code), detail: null });
          }
          if (refusals.length === 0) return;
          try {
            await db.transaction(async (manager) => {
              for (const refusal of refusals) {
                await writeAudit(manager, { viewer: contextValue.signed.viewer, requestId: contextValue.signed.requestId, clock }, {
                  operation: refusal.field,
                  resourceType: 'Mutation',
                  outcome: refusal.outcome,
                  newValue: refusal.detail,
                });
              }
            });
          } catch (error) {
            logger.error({ err: error }, 'could not audit a refused mutation');
          }
        },
      };
    },
  };
}

/** What every subgraph's request context starts from. */
export interface BaseSubgraphContext {
  signed: SignedContext;
  viewer: SignedContext['viewer'];
  requestId: string;
  /** The service's logger, with the request id on every line. */
  logger: Logger;
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Its database (health, audit of refused mutations, the internal `auditTrail`), clock, logger, secret. */
  runtime: SubgraphRuntime;
  /** Adds the subgraph's own services and per-request loaders to the base context. */
  context: (base: BaseSubgraphContext) => Promise<TContext> | TContext;
  introspection?: boolean;
}

/**
 * Builds a subgraph's HTTP app: `/health` (liveness) and `/ready` (its database answers)
 * open, `/graphql` only with a valid signed context (HTTP 401 otherwise, `_entities` and
 * `_service` included), `/metrics` for Prometheus.
 * Never listens by itself.
 */
export async function createSubgraphServer<TContext extends BaseContext & { signed: SignedContext }>(
  options: SubgraphServerOptions<TContext>,
): Promise<{ app: Express; apollo: ApolloServer<TContext>; listen(port: number, host?: string): Promise<ListeningServer> }> {
  const { runtime } = options;
  const metrics = createMetrics(options.name, runtime.logger);
  const readAuditTrail = auditTrailResolver(runtime.db);
  // Every custom scalar is implemented and validated (graphql-scalars): a bad DateTime is the client's mistake.
  const declaresDateTime = options.typeDefs.definitions.some((d) => d.kind === Kind.SCALAR_TYPE_DEFINITION && d.name.value === 'DateTime');
  const resolvers = {
    ...(declaresDateTime ? { DateTime: DateTimeResolver } : {}),
    ...options.resolvers,
    Query: {
      ...(options.resolvers.Query as object),
      auditTrail: (root: unknown, args: Parameters<typeof readAuditTrail>[1], context: TContext) => {
        requireService(context.signed);
        return readAuditTrail(root, args);
      },
    },
  } as GraphQLResolverMap<TContext>;
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No schema declares cache hints and no router reads them: without it no field resolver is wrapped.
      ApolloServerPluginCacheControlDisabled(),
      runtime.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
      gatewayOnlyFields as ApolloServerPlugin<TContext>,
      rejectUnstorableInput as ApolloServerPlugin<TContext>,
      metrics.plugin as ApolloServerPlugin<TContext>,
      auditRefusals(runtime.db, runtime.clock, runtime.logger) as ApolloServerPlugin<TContext>,
    ],
    formatError: maskErrors(runtime.logger, options.name),
    // Subgraph documents carry the client's operation name: as many as the clients invent.
    documentStore: boundedDocumentStore(),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? runtime.edge?.introspection ?? true,
    logger: runtime.logger,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  metrics.mount(app, runtime.edge?.metrics);
  mountHealth(app, options.name, [databaseCheck(runtime.db)]);
  app.use(
    '/graphql',
    async (req, res, next) => {
      const signed = await verifyContext(req.header(CONTEXT_HEADER) ?? undefined, runtime.secret);
      if (!signed) {
        res.status(401).json({ errors: [{ message: 'Missing or invalid signed context', extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      res.locals.signed = signed;
      next();
    },
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const signed = res.locals.signed as SignedContext;
        const requestId = signed.requestId || randomUUID();
        return options.context({ signed, viewer: signed.viewer, requestId, logger: runtime.logger.child({ requestId }) });
      },
    }),
  );

  app.use(httpErrors(runtime.logger));

  const metricsApp = metrics.ownApp(runtime.edge?.metrics);
  return {
    app,
    apollo,
    listen: async (port, host = '127.0.0.1') => {
      const metricsServer = metricsApp ? await listen(metricsApp, runtime.edge!.metrics.port!, host) : null;
      return listen(app, port, host, async () => {
        await apollo.stop();
        await metricsServer?.close();
      });
    },
  };
}

export function listen(handler: http.RequestListener, port: number, host: string, onClose?: () => Promise<void>): Promise<ListeningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}/graphql`,
        port: actual,
        close: async () => {
          await onClose?.();
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
