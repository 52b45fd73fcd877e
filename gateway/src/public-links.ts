import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError, Kind, type FieldNode } from 'graphql';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rootFieldsOf } from '@partner-graph/platform';
import type { GatewayContext } from './context.js';

/** The mutations a customer-facing link allows without signing in, each creating a customer account. */
const ACCEPTANCES = new Set(['acceptTrialInvitation', 'acceptPurchaseOffer']);

/** The link's code an acceptance names (a literal or a variable), as the offer subgraph reads it; null when it is not a string. */
function linkCodeOf(field: FieldNode, variables: Record<string, unknown>): string | null {
  const value = field.arguments?.find((argument) => argument.name.value === 'code')?.value;
  const code = value?.kind === Kind.STRING ? value.value : value?.kind === Kind.VARIABLE ? variables[value.name.value] : null;
  return typeof code === 'string' ? code.trim() : null;
}

/** Counts one acceptance against `key`; past the budget, a 429 the client can wait out (`Retry-After` in seconds, on the response). */
async function take(limiter: RateLimiterAbstract, key: string, message: string, headers: HeaderMap): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    headers.set('retry-after', String(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))));
    throw new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } });
  }
}

/**
 * Customer-facing links open at a human pace, decided before anything runs:
 * - an anonymous request carries at most one mutation field (HTTP 400 QUERY_LIMIT_EXCEEDED,
 *   limit `anonymousMutationFields`), so aliases cannot multiply one request's work;
 * - each acceptance counts against its client address and its link (by the code's hash, not
 *   the code), shared by the replicas; past either budget, HTTP 429 RATE_LIMITED with Retry-After.
 * The address is counted first, so one address past its budget does not use up the link's.
 */
export function publicLinkLimits(limits: {
  perAddress: RateLimiterAbstract;
  perLink: RateLimiterAbstract;
}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, response, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const fields = rootFieldsOf(operation, document);
          if (contextValue.viewer.kind === 'anonymous' && fields.length > 1) {
            throw new GraphQLError('A request without a token may carry one mutation field', {
              extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'anonymousMutationFields', http: { status: 400 } },
            });
          }
          for (const field of fields) {
            if (!ACCEPTANCES.has(field.name.value)) continue;
            await take(
              limits.perAddress,
              contextValue.clientAddress,
              'Too many acceptances from this address; try again later',
              response.http.headers,
            );
            const code = linkCodeOf(field, request.variables ?? {});
            if (code)
              await take(
                limits.perLink,
                createHash('sha256').update(code).digest('hex'),
                'Too many acceptances of this link; try again later',
                response.http.headers,
              );
          }
        },
      };
    },
  };
}
