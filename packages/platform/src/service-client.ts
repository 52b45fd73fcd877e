import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { Agent, fetch } from 'undici';
import type { SubgraphName } from './config.js';
import { ServiceUnavailableError } from './errors.js';
import { CONTEXT_HEADER, signContext, type Actor } from './viewer.js';
import { currentWork, WORK_HEADER } from './work.js';

/** One keep-alive connection pool per process for every call between services. */
export const keepAliveAgent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

/**
 * Calls another subgraph's GraphQL endpoint directly (internal fields are `@inaccessible`, so
 * clients never reach them through the gateway), signing the caller's viewer context. With
 * tracing on, the undici instrumentation adds the W3C `traceparent` of the caller's span.
 * A call is one of the generated service documents (`service-documents/<callee>.graphql`), so its
 * variables and answer are typed by the callee's schema.
 */
export class ServiceClient {
  constructor(
    private readonly options: {
      issuer: string;
      secret: string;
      urls: Record<SubgraphName, string>;
      timeoutMs?: number;
    },
  ) {}

  async call<Result, Variables extends Record<string, unknown>>(
    service: SubgraphName,
    document: TypedDocumentNode<Result, Variables>,
    variables: NoInfer<Variables>,
    as: Actor,
  ): Promise<Result> {
    const { query, readOnly } = printed(document);
    const token = await signContext({ viewer: as.viewer, requestId: as.requestId, issuer: this.options.issuer }, this.options.secret);
    // One deadline for the call, a retry included: past it the caller answers SERVICE_UNAVAILABLE.
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const headers: Record<string, string> = { 'content-type': 'application/json', [CONTEXT_HEADER]: token, 'x-request-id': as.requestId };
    if (currentWork() === 'background') headers[WORK_HEADER] = 'background';
    const send = () =>
      fetch(this.options.urls[service], {
        method: 'POST',
        dispatcher: keepAliveAgent,
        headers,
        body: JSON.stringify({ query, variables }),
        signal,
      });
    let body: { data?: Result; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      const response = await withOneRetry(send, readOnly, signal);
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new ServiceUnavailableError(service, error);
    }
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw new ServiceCallError(service, first.message, first.extensions?.code);
    }
    return body.data as Result;
  }
}

/** Each document is printed once, the first time it is sent. */
const printedDocuments = new WeakMap<DocumentNode, { query: string; readOnly: boolean }>();
function printed(document: DocumentNode): { query: string; readOnly: boolean } {
  let found = printedDocuments.get(document);
  if (!found) {
    const query = print(document);
    found = { query, readOnly: isReadOnly(query) };
    printedDocuments.set(document, found);
  }
  return found;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** A query (not a mutation) may be sent twice without changing anything. */
export const isReadOnly = (document: string): boolean => /^\s*(\{|query\b)/.test(document);

/**
 * Sends once more when the first attempt could not connect (a restarted replica, a stale
 * keep-alive socket) and the call is read-only; never after the deadline, never on a timeout.
 */
export async function withOneRetry<R>(send: () => Promise<R>, idempotent: boolean, signal: AbortSignal): Promise<R> {
  try {
    return await send();
  } catch (error) {
    if (!idempotent || signal.aborted || !isConnectionFailure(error)) throw error;
    return send();
  }
}

function isConnectionFailure(error: unknown): boolean {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 4;
    current = current.cause as typeof current, depth++
  ) {
    if (typeof current.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(current.code)) return true;
  }
  return false;
}

/** The other service answered with a GraphQL error (refused, or failed inside). */
export class ServiceCallError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly code: string | undefined,
  ) {
    super(`${service}: ${message}`);
  }
}
