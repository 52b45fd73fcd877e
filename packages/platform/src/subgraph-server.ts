import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express, { type Express } from 'express';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { sharedTypeDefs } from './shared-schema.js';
import { boundedDocumentStore, httpErrors, maskErrors, rejectUnstorableInput } from './edge.js';
import { randomUUID } from 'node:crypto';
import { drainedHttpServer, listen, type ListeningServer } from './listen.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Counter, type Registry } from 'prom-client';
import { databaseCheck, mountHealth } from './health.js';
import type { SubgraphRuntime } from './service.js';
import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import { writeAudit } from './platform-tables.js';
import { runAs, WORK_HEADER } from './work.js';
import {
  CONTEXT_HEADER,
  GATEWAY_DIRECTORY,
  GATEWAY_DIRECTORY_FIELDS,
  requireService,
  ROUTER,
  verifyContext,
  type SignedContext,
  type Viewer,
} from './viewer.js';
import { auditTrailResolver } from './audit-trail.js';
import { bearerToken, createTokenVerifier } from './auth.js';
import { routerProofOf, ROUTER_TOKEN_HEADER, type RouterProofRequest, type RouterTrust } from './router-proof.js';
import { partnerDirectoryLookup, ViewerDirectory, type ViewerLookup } from './viewer-directory.js';

/**
 * The root fields an operation selects, however each is reached: directly, through inline
 * fragments (`... on Query { _entities }`) or named fragments spread at the root (each once).
 */
export function rootFieldsOf(operation: OperationDefinitionNode, document: DocumentNode): FieldNode[] {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const seen = new Set<string>();
  const fields: FieldNode[] = [];
  const walk = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/** The root field `_entities` or `_service` an operation selects, however it is reached. */
export function gatewayOnlyFieldIn(operation: OperationDefinitionNode, document: DocumentNode): string | null {
  return (
    rootFieldsOf(operation, document).find((field) => field.name.value === '_entities' || field.name.value === '_service')?.name.value ??
    null
  );
}

/**
 * What the router proved runs, and nothing else: a request proven by its signature runs the
 * query and variables the signature covers (Apollo Server reads them again from the request; a
 * body read otherwise than the proof read it runs nothing). `_entities` and `_service` are
 * refused unless the router sent the request, and so is a router's document with more than one
 * operation: its proof covers the document and variables, not the operation name that would
 * pick one of them. The gateway's own identity selects the viewer lookup only.
 */
function routerOnlyFields(trust: RouterTrust): ApolloServerPlugin<{ signed: SignedContext }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ request, operation, document }) {
          const proven = contextValue.signed.proven;
          if (
            proven &&
            !(
              request.query === proven.query &&
              (request.variables === proven.variables || routerProofOf(trust, { ...request }, undefined) === 'hmac')
            )
          ) {
            throw new GraphQLError('The request runs something other than what the router proved', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
          if (!operation) return;
          if (contextValue.signed.issuer === ROUTER) {
            if (document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length > 1) {
              throw new GraphQLError('One operation per router request', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
            }
            return;
          }
          if (
            contextValue.signed.issuer === GATEWAY_DIRECTORY &&
            !operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && GATEWAY_DIRECTORY_FIELDS.includes(s.name.value))
          ) {
            throw new GraphQLError('The gateway may only look viewers up', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
          const field = gatewayOnlyFieldIn(operation, document);
          if (field)
            throw new GraphQLError(`${field} is for the router only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        },
      };
    },
  };
}

/**
 * Audits refused mutations too: a mutation that ends with payload errors or a FORBIDDEN error
 * changed nothing (its transaction rolled back), so this writes the record of the attempt.
 * Inputs are not recorded (they may hold passwords or product keys). An anonymous caller's
 * refusal leaves no row (anyone may send as many as the rate limits let through): it is counted
 * in `anonymous_mutation_refusals_total`, by mutation and code, both bounded by the schema.
 */
function auditRefusals(db: DataSource, clock: Clock, logger: Logger, registry: Registry): ApolloServerPlugin<{ signed: SignedContext }> {
  const anonymousRefusals = new Counter({
    name: 'anonymous_mutation_refusals_total',
    help: 'Mutations refused to callers without a token, by mutation and error code',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, document, response, contextValue, errors }) {
          if (operation?.operation !== 'mutation' || !document || response.body.kind !== 'single') return;
          // The response names a field by its alias, the client's choice: the record names the mutation.
          const mutationOf = new Map(
            rootFieldsOf(operation, document).map((field) => [field.alias?.value ?? field.name.value, field.name.value]),
          );
          const data = (response.body.singleResult.data ?? {}) as Record<string, unknown>;
          const refusals: { field: string; codes: string[]; outcome: string; detail: unknown }[] = [];
          for (const [key, value] of Object.entries(data)) {
            const payloadErrors = (value as { errors?: { code: string; field: string | null }[] } | null)?.errors;
            if (payloadErrors?.length) {
              const codes = payloadErrors.map((e) => e.code);
              refusals.push({
                field: mutationOf.get(key) ?? key,
                codes,
                outcome: `REJECTED: ${codes.join(', ')}`,
                detail: payloadErrors.map(({ code, field: at }) => ({ code, field: at })),
              });
            }
          }
          for (const error of errors ?? []) {
            const code = (error as GraphQLError).extensions?.code;
            const key = (error as GraphQLError).path?.[0];
            if ((code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') && typeof key === 'string')
              refusals.push({ field: mutationOf.get(key) ?? key, codes: [code], outcome: String(code), detail: null });
          }
          if (refusals.length === 0) return;
          if (contextValue.signed.viewer.kind === 'anonymous') {
            for (const refusal of refusals)
              for (const code of new Set(refusal.codes)) anonymousRefusals.inc({ operation: refusal.field, code });
            return;
          }
          try {
            await db.transaction(async (manager) => {
              for (const refusal of refusals) {
                await writeAudit(
                  manager,
                  { viewer: contextValue.signed.viewer, requestId: contextValue.signed.requestId, clock },
                  {
                    operation: refusal.field,
                    resourceType: 'Mutation',
                    outcome: refusal.outcome,
                    newValue: refusal.detail,
                  },
                );
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

/** A schema module as `buildSubgraphSchema` takes it (its public signature; the type itself is not exported). */
type SchemaModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;
/** A subgraph's resolvers, as its generated `Resolvers` type checks them. */
export type SubgraphResolvers = NonNullable<SchemaModule['resolvers']>;

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  /** The subgraph's own `schema.graphql`; the shared module (`packages/platform/shared.graphql`) is added to it. */
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers;
  /** Its database (health, audit of refused mutations, the internal `auditTrail`), clock, logger, secret. */
  runtime: SubgraphRuntime;
  /** Adds the subgraph's own services and per-request loaders to the base context. */
  context: (base: BaseSubgraphContext) => Promise<TContext> | TContext;
  introspection?: boolean;
  /** Registers the subgraph's own metrics beside the common ones at `/metrics`. */
  metrics?: (registry: Registry) => void;
  /** How a token subject becomes a viewer; by default the partner subgraph is asked (the partner subgraph reads its own table). */
  viewerLookup?: ViewerLookup;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A refusal before GraphQL runs, in the shape of a GraphQL response. */
function refuse(res: express.Response, error: GraphQLError): void {
  const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
  res.status(status).json({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] });
}

/**
 * Builds a subgraph's HTTP app: `/health` (liveness) and `/ready` (its database answers)
 * open; `/graphql` only for the router (its proof bound to the operation and variables, the
 * user authenticated here from the token it forwards) or another service (its signed
 * identity), HTTP 401 otherwise, `_entities` and `_service` included; `/metrics` for Prometheus.
 * Never listens by itself.
 */
export async function createSubgraphServer<TContext extends BaseContext & { signed: SignedContext }>(
  options: SubgraphServerOptions<TContext>,
): Promise<{ app: Express; apollo: ApolloServer<TContext>; listen(port: number, host?: string): Promise<ListeningServer> }> {
  const { runtime } = options;
  const metrics = createMetrics(options.name, runtime.logger);
  options.metrics?.(metrics.registry);
  const readAuditTrail = auditTrailResolver(runtime.db);
  // What the shared SDL declares, the platform implements; every custom scalar is validated
  // (graphql-scalars): a bad DateTime is the client's mistake.
  const sharedResolvers = {
    DateTime: DateTimeResolver,
    Query: {
      auditTrail: (root: unknown, args: Parameters<typeof readAuditTrail>[1], context: TContext) => {
        requireService(context.signed);
        return readAuditTrail(root, args);
      },
    },
  };
  const http = drainedHttpServer(runtime.shutdownGraceMs);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([
      { typeDefs: options.typeDefs, resolvers: options.resolvers },
      { typeDefs: sharedTypeDefs, resolvers: sharedResolvers as SubgraphResolvers },
    ]),
    plugins: [
      http.plugin as ApolloServerPlugin<TContext>,
      ApolloServerPluginLandingPageDisabled(),
      // The schemas' `@cacheControl` hints, sent as `Cache-Control` when the whole answer may be kept
      // (the gateway's answer cache reads it); nothing is sent otherwise.
      ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: 'if-cacheable' }),
      runtime.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
      routerOnlyFields(runtime.trust.router) as ApolloServerPlugin<TContext>,
      rejectUnstorableInput as ApolloServerPlugin<TContext>,
      metrics.plugin as ApolloServerPlugin<TContext>,
      auditRefusals(runtime.db, runtime.clock, runtime.logger, metrics.registry) as ApolloServerPlugin<TContext>,
    ],
    formatError: maskErrors(runtime.logger, options.name),
    // Subgraph documents carry the client's operation name: as many as the clients invent.
    documentStore: boundedDocumentStore(),
    // The router's proof covers the document it sends; nothing is registered by hash.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? runtime.edge?.introspection ?? true,
    logger: runtime.logger,
    // The service stops in its own order (`runSubgraph`): readiness first, then this drain.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  metrics.mount(app, runtime.edge?.metrics);
  const health = mountHealth(app, options.name, [databaseCheck(runtime.db)]);
  const verifyToken = createTokenVerifier(runtime.trust.auth);
  const directory = new ViewerDirectory(
    options.viewerLookup ?? partnerDirectoryLookup(runtime.serviceClient),
    runtime.trust.viewerCacheMs,
    runtime.clock,
  );
  /** The user of the token the router forwarded: anonymous without one, refused when bad, unknown or deactivated. */
  const viewerOf = async (authorization: string | undefined, requestId: string): Promise<Viewer> => {
    const token = bearerToken(authorization);
    if (token === null) return { kind: 'anonymous' };
    return directory.resolve(await verifyToken(token), requestId);
  };
  app.use(
    '/graphql',
    // GraphQL over POST only: Apollo Server runs a GET from its URL, which no proof covers.
    (req, res, next) => {
      if (req.method === 'POST') return next();
      res.setHeader('allow', 'POST');
      refuse(
        res,
        new GraphQLError('Subgraphs take GraphQL over POST only', { extensions: { code: 'BAD_REQUEST', http: { status: 405 } } }),
      );
    },
    express.json({ limit: '1mb' }),
    // After the body is read: what runs from here on (the viewer's lookup included) is this request's work.
    (req, _res, next) => runAs(req.header(WORK_HEADER) === 'background' ? 'background' : 'request', next),
    async (req, res, next) => {
      const serviceToken = req.header(CONTEXT_HEADER);
      if (serviceToken !== undefined) {
        const signed = await verifyContext(serviceToken, { internal: runtime.secret, router: runtime.trust.router.signingSecret });
        if (!signed) return refuse(res, new GraphQLError('Invalid service signature', { extensions: { code: 'UNAUTHENTICATED' } }));
        res.locals.signed = signed;
        return next();
      }
      const body = req.body as RouterProofRequest | undefined;
      const proof = routerProofOf(runtime.trust.router, body, req.header(ROUTER_TOKEN_HEADER));
      if (!proof) return refuse(res, new GraphQLError('Missing or invalid router proof', { extensions: { code: 'UNAUTHENTICATED' } }));
      const incoming = req.header('x-request-id');
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      try {
        const proven = proof === 'hmac' ? { query: body!.query, variables: body!.variables } : undefined;
        res.locals.signed = {
          viewer: await viewerOf(req.header('authorization'), requestId),
          requestId,
          issuer: ROUTER,
          proven,
        } satisfies SignedContext;
      } catch (error) {
        if (error instanceof GraphQLError) return refuse(res, error);
        return next(error);
      }
      next();
    },
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
      return listen(app, port, host, {
        server: http.server,
        unready: health.stopping,
        onClose: async () => {
          await apollo.stop();
          await metricsServer?.close();
        },
      });
    },
  };
}
