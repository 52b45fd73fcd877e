import { GraphQLError } from 'graphql';
import type { ErrorCode } from './__generated__/shared-types.js';

/**
 * Stable codes of expected domain failures: the `ErrorCode` enum of the shared SDL
 * (`packages/platform/shared.graphql`). They travel as data in a payload's `errors`.
 */
export type { ErrorCode };

export interface PayloadError {
  code: ErrorCode;
  message: string;
  field: string | null;
}

/** An expected failure of a domain rule: becomes a payload error, rolls back its transaction. */
export class DomainError extends Error {
  readonly errors: PayloadError[];
  constructor(code: ErrorCode, message: string, field: string | null = null) {
    super(message);
    this.errors = [{ code, message, field }];
  }
  static of(errors: PayloadError[]): DomainError {
    const error = new DomainError(errors[0]!.code, errors[0]!.message, errors[0]!.field);
    error.errors.splice(0, 1, ...errors);
    return error;
  }
}

export const notFound = (what: string, field: string | null = null): DomainError =>
  new DomainError('NOT_FOUND', `${what} not found`, field);

/** Collects field problems and throws them together, so a form shows every mistake at once. */
export class Problems {
  private readonly list: PayloadError[] = [];
  add(code: ErrorCode, message: string, field: string | null = null): this {
    this.list.push({ code, message, field });
    return this;
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw DomainError.of(this.list);
  }
}

/**
 * Runs a mutation and turns expected failures into its payload's `errors`; anything else
 * (authorisation, bugs) propagates as a GraphQL error.
 */
export async function payload<T extends object>(run: () => Promise<T>): Promise<T & { errors: PayloadError[] }> {
  try {
    const result = await run();
    return { errors: [], ...result };
  } catch (error) {
    if (error instanceof DomainError) return { errors: error.errors } as T & { errors: PayloadError[] };
    throw error;
  }
}

/**
 * No viewer where one is needed. Raised inside a resolver it answers HTTP 200 with the error
 * (the gateway must read a subgraph's answer as GraphQL, not as a failed HTTP call);
 * `{ http: 401 }` is for the gateway refusing a whole request (a bad token).
 */
export const unauthenticated = (message = 'Authentication required', options: { http?: 401 } = {}): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', ...(options.http ? { http: { status: options.http } } : {}) } });

export const forbidden = (message = 'Not allowed'): GraphQLError => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** A call to another service failed; the caller's transaction rolls back and it can be retried. */
export class ServiceUnavailableError extends Error {
  constructor(service: string, cause?: unknown) {
    super(`The ${service} service is unavailable`, { cause });
  }
}
