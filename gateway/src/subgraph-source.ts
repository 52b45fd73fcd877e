import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { fetch as undiciFetch, Response as UndiciResponse } from 'undici';
import { keepAliveAgent, ROUTER_PROOF_EXTENSION, signRouterProof, withOneRetry } from '@partner-graph/platform';
import type { GatewayContext } from './server.js';

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
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
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
