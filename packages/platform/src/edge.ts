import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { ErrorRequestHandler } from 'express';
import { GraphQLError, Kind, visit, type DocumentNode, type GraphQLFormattedError, type ValueNode } from 'graphql';
import { DomainError, ServiceUnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import { ServiceCallError } from './service-client.js';

/**
 * What a client may see of an error, in every service: the rules of the hardened edge.
 *
 * - a `DomainError` escaping a resolver (queries have no payload) is the client's input
 *   mistake: BAD_USER_INPUT naming the argument;
 * - a database or another service that does not answer: SERVICE_UNAVAILABLE;
 * - errors raised on purpose with a public code keep their message, and only the extension
 *   keys below (never a URL, a response body or a stack);
 * - anything else becomes a bare INTERNAL_SERVER_ERROR, logged with its stack.
 * (Codes, not `instanceof`, for GraphQL errors: CommonJS and ESM copies of graphql-js coexist.)
 */
const PUBLIC_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'QUERY_LIMIT_EXCEEDED',
]);
const PUBLIC_EXTENSIONS = ['code', 'argument', 'serviceName', 'limit'] as const;

export function maskErrors(logger: Logger, service: string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const at = { path: formatted.path, locations: formatted.locations };
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = {};
      for (const key of PUBLIC_EXTENSIONS) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
      // Which service failed matters to a client only when it is unavailable.
      if (code !== 'SERVICE_UNAVAILABLE') delete extensions.serviceName;
      return { message: formatted.message, ...at, extensions };
    }
    if (original instanceof DomainError) {
      return { message: original.message, ...at, extensions: { code: 'BAD_USER_INPUT', argument: original.errors[0]?.field ?? null } };
    }
    if (isUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'dependency unavailable');
      return {
        message: `The ${service} service is unavailable; try again shortly`,
        ...at,
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: service },
      };
    }
    logger.error({ err: original, path: formatted.path, message: formatted.message }, 'internal error');
    return { message: 'Internal server error', ...at, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** Connection failures (node codes, SQLSTATE 08xxx, server shutting down, too many connections). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i;

/** A database or another service that did not answer, whatever wrapped it (TypeORM keeps pg's error as `driverError`). */
export function isUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    if (current instanceof ServiceUnavailableError) return true;
    if (current instanceof ServiceCallError && current.code === 'SERVICE_UNAVAILABLE') return true;
    const { code, message, driverError, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown[];
    };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    current = driverError ?? cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return false;
}

/** Whether a value (a literal, or the variables it refers to) holds a string with a NUL character. */
function holdsNul(node: ValueNode, variables: Record<string, unknown>): boolean {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.includes('\u0000');
    case Kind.VARIABLE:
      return valueHoldsNul(variables[node.name.value]);
    case Kind.LIST:
      return node.values.some((value) => holdsNul(value, variables));
    case Kind.OBJECT:
      return node.fields.some((field) => holdsNul(field.value, variables));
    default:
      return false;
  }
}
function valueHoldsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(valueHoldsNul);
  if (value && typeof value === 'object') return Object.values(value).some(valueHoldsNul);
  return false;
}

/**
 * Input no service can store: a NUL character (PostgreSQL text refuses it). Refused before
 * execution, HTTP 400 BAD_USER_INPUT naming the argument, in the gateway and every subgraph.
 */
export const rejectUnstorableInput: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        const variables = request.variables ?? {};
        visit(document, {
          Argument(node) {
            if (holdsNul(node.value, variables)) {
              throw new GraphQLError(`Argument "${node.name.value}" must not contain a NUL character`, {
                extensions: { code: 'BAD_USER_INPUT', argument: node.name.value, http: { status: 400 } },
              });
            }
          },
        });
      },
    };
  },
};

/**
 * Errors of the HTTP layer below GraphQL (a body that is not JSON, too large): a JSON answer
 * with a 4xx and a code, never an HTML page with a stack trace.
 */
export function httpErrors(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, 'internal error');
    const [code, message] =
      status === 413
        ? ['PAYLOAD_TOO_LARGE', 'The request body is too large']
        : status === 500
          ? ['INTERNAL_SERVER_ERROR', 'Internal server error']
          : ['BAD_REQUEST', error?.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : 'Bad request'];
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

/** Parsed and validated documents a service keeps. */
export const DOCUMENT_CACHE_ENTRIES = 1_000;

/**
 * Apollo Server's parsed-document cache, bounded by count. Its default is bounded by 30 MiB of
 * *JSON*, which is ~100 000 small documents and ~450 MB of heap: a client sending ever-new
 * documents (a new operation name each time is enough) grew the gateway by 4.5 MB per 1 000.
 * Real clients send a fixed set of documents, far below this.
 */
export function boundedDocumentStore(): InMemoryLRUCache<DocumentNode> {
  return new InMemoryLRUCache<DocumentNode>({ max: DOCUMENT_CACHE_ENTRIES, maxSize: 2 ** 22 });
}
