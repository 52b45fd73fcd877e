import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { fetch } from 'undici';
import { isReadOnly, keepAliveAgent, ROUTER_PROOF_EXTENSION, signRouterProof, withOneRetry } from '@partner-graph/platform';
import type { AnswerCache, Answer, Found } from './answer-cache.js';
import type { GatewayContext } from './context.js';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Every subgraph call: one keep-alive pool, the client's token forwarded, the router's proof
 * (Hive Gateway's `hmacSignature` format) over the operation and variables, a deadline (a read
 * may retry once within it when the first attempt could not connect), and identical reads in
 * flight merged into one call, and reads the subgraph's hints allow answered from the answer
 * cache (`AnswerCache`); a mutation empties it. Written for this gateway instead of extending
 * `RemoteGraphQLDataSource`, which builds node-fetch `Headers` and `Request` objects and an
 * APQ and cache-hint path on every call that this federation does not use.
 */
export class SubgraphSource implements GraphQLDataSource<GatewayContext> {
  /**
   * Reads in flight, by forwarded token and body (document, variables, proof): a request joins
   * one only when it would send exactly the same thing for the same user, so no one is answered
   * with what another user may see.
   */
  private readonly inFlight = new Map<string, Promise<Answer>>();

  constructor(
    private readonly url: string,
    private readonly routerSecret: string,
    private readonly serviceName: string,
    private readonly timeoutMs: number,
    private readonly cache: AnswerCache | null = null,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const { request } = options;
    const query = request.query;
    if (!query) throw new Error('Missing query');
    const { authorization, requestId, viewer, resultScope } = options.context as Partial<GatewayContext>;
    const entities = distinctEntities(request.variables);
    const variables = entities ? { ...request.variables, representations: entities.distinct } : request.variables;
    // The client's own answer is not HTTP-cacheable, whatever the subgraphs hint.
    if ('incomingRequestContext' in options && typeof options.incomingRequestContext === 'object') {
      options.incomingRequestContext.overallCachePolicy?.restrict({ maxAge: 0 });
    }
    const readOnly = isReadOnly(query);
    const cache = this.cache;
    const keys = readOnly && cache ? cache.keysFor(viewer, this.serviceName, query, variables, request.operationName) : null;
    const found = keys ? cache!.find(keys, this.serviceName) : undefined;
    let answer = found?.answer;
    let allows: Omit<Found, 'answer'> | null = found ?? null;
    if (!answer) {
      const body = JSON.stringify({
        query,
        variables,
        operationName: request.operationName,
        extensions: { ...request.extensions, [ROUTER_PROOF_EXTENSION]: signRouterProof(this.routerSecret, { query, variables }) },
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      // What the gateway itself asks of the subgraph (an inline trace for usage reporting).
      if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value;
      if (authorization) headers.authorization = authorization;
      if (requestId) headers['x-request-id'] = requestId;
      const since = cache?.begin() ?? 0;
      try {
        answer = readOnly
          ? await this.shared(`${authorization ?? ''}\n${body}`, () => this.send(body, headers, true))
          : await this.send(body, headers, false);
      } catch (error) {
        throw this.unavailable(error as Error);
      } finally {
        // A mutation may have changed anything any answer was built from; this replica's next read sees it.
        if (!readOnly) cache?.forget();
      }
      if (readOnly) allows = cache?.keep(keys, answer, this.serviceName, since) ?? null;
    }
    // The request's whole result may be shared only while every answer in it may.
    if (resultScope) {
      if (allows?.shared) resultScope.expiresAt = Math.min(resultScope.expiresAt, allows.expiresAt);
      else resultScope.shared = false;
      resultScope.bytes += answer.body.length;
    }
    if (answer.status >= 502) throw this.unavailable(new Error(`HTTP ${answer.status}`));
    if (answer.status < 200 || answer.status >= 300) throw this.refusal(answer);
    const parsed = JSON.parse(answer.body) as unknown;
    if (!parsed || typeof parsed !== 'object')
      throw new Error(`The ${this.serviceName} service answered a body that is not a GraphQL response`);
    return entities ? forEachRepresentation(parsed as SubgraphResponse, entities.positions) : (parsed as SubgraphResponse);
  }

  private shared(key: string, send: () => Promise<Answer>): Promise<Answer> {
    let answer = this.inFlight.get(key);
    if (!answer) {
      answer = send();
      this.inFlight.set(key, answer);
      const forget = () => this.inFlight.delete(key);
      answer.then(forget, forget);
    }
    return answer;
  }

  private async send(body: string, headers: Record<string, string>, readOnly: boolean): Promise<Answer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const response = await withOneRetry(
      () => fetch(this.url, { method: 'POST', headers, body, dispatcher: keepAliveAgent, signal }),
      readOnly,
      signal,
    );
    return { status: response.status, body: await response.text(), cacheControl: response.headers.get('cache-control') };
  }

  /** A subgraph that does not answer costs only its fields, with a clear code (no addresses). */
  private unavailable(error: Error): GraphQLError {
    return new GraphQLError(`The ${this.serviceName} service is unavailable; try again shortly`, {
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
      originalError: error,
    });
  }

  /**
   * A subgraph answering with an HTTP error: a client's mistake it reports (a bad variable)
   * keeps its message and code; anything else is internal. Never its URL or raw body.
   */
  private refusal(answer: Answer): GraphQLError {
    let first: { message?: unknown; extensions?: { code?: unknown } } | undefined;
    try {
      first = (JSON.parse(answer.body) as { errors?: (typeof first)[] }).errors?.[0];
    } catch {
      // Not JSON: internal.
    }
    const code = first?.extensions?.code;
    if (typeof first?.message === 'string' && (code === 'BAD_USER_INPUT' || code === 'UNAUTHENTICATED' || code === 'FORBIDDEN')) {
      return new GraphQLError(first.message, { extensions: { code } });
    }
    return new GraphQLError(`The ${this.serviceName} service answered HTTP ${answer.status}`, {
      extensions: { serviceName: this.serviceName },
    });
  }
}

type Representations = { distinct: unknown[]; positions: number[] };

/**
 * The entity representations of an `_entities` fetch, each sent once and in a stable order: the
 * query planner asks for an entity once per place it appears (the dashboard's 100 subscriptions
 * name 2 offers), and the subgraph would resolve each copy; in a stable order, two requests that
 * need the same entities send the same call, which the merging of identical reads then shares.
 * `positions[i]` is where the i-th representation went. Null when there is nothing to change.
 */
function distinctEntities(variables: Record<string, unknown> | undefined): Representations | null {
  const representations = variables?.representations;
  if (!Array.isArray(representations) || representations.length < 2) return null;
  const keys = representations.map((representation: unknown) => JSON.stringify(representation));
  const distinctKeys = [...new Set(keys)].sort();
  if (distinctKeys.length === keys.length && keys.every((key, at) => key === distinctKeys[at])) return null;
  const positionOf = new Map(distinctKeys.map((key, position) => [key, position]));
  const distinct: unknown[] = new Array(distinctKeys.length);
  const positions = keys.map((key, at) => {
    const position = positionOf.get(key)!;
    distinct[position] = representations[at];
    return position;
  });
  return { distinct, positions };
}

/**
 * The answer to the distinct representations, laid out as the planner asked: one entity per
 * representation (a copy where it repeats, since the planner merges later fetches into each),
 * and an error about one distinct entity reported at every place it stood.
 */
function forEachRepresentation(response: SubgraphResponse, positions: number[]): SubgraphResponse {
  const answered = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const used = new Set<number>();
  const data = Array.isArray(answered)
    ? {
        ...response.data,
        _entities: positions.map((position) => {
          const entity: unknown = answered[position];
          if (used.has(position)) return structuredClone(entity);
          used.add(position);
          return entity;
        }),
      }
    : response.data;
  const errors = response.errors?.flatMap((error) => {
    const [root, position, ...rest] = error.path ?? [];
    if (root !== '_entities' || typeof position !== 'number') return [error];
    return positions.flatMap((distinct, at) => (distinct === position ? [{ ...error, path: ['_entities', at, ...rest] }] : []));
  });
  return { ...response, data, errors };
}
