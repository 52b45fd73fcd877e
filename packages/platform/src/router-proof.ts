import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import stableStringify from 'json-stable-stringify';

/**
 * How a subgraph knows a request comes from the router (our gateway, Hive Gateway, Apollo
 * Router) and not from whoever reached its port. Two proofs, one of them per deployment:
 *
 * - `hmac-signature`, in exactly the format of Hive Gateway's `hmacSignature` option
 *   (`@graphql-mesh/hmac-upstream-signature`): the request's `extensions["hmac-signature"]`
 *   is base64(HMAC-SHA256(secret, json-stable-stringify({ query, variables }))), variables
 *   left out when empty. Bound to the operation and its variables: replayed with another
 *   document or other variables, it no longer matches. Our gateway signs the same way.
 * - a static credential in a header, for routers that cannot sign (Apollo Router's header
 *   insertion): opt-in, and weaker — whoever captures it may send any operation until it is
 *   rotated.
 *
 * Neither proof says who the user is: the subgraph verifies the user's own token, which the
 * router forwards in `authorization`.
 */
export const ROUTER_PROOF_EXTENSION = 'hmac-signature';
export const ROUTER_TOKEN_HEADER = 'x-partner-graph-router-token';

export interface RouterTrust {
  /** The `hmacSignature` secret shared with the router. */
  signingSecret: string;
  /** The static credential a router that cannot sign sends in `x-partner-graph-router-token`; unset, none is accepted. */
  staticToken?: string;
}

export interface RouterProofRequest {
  query?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/**
 * Whether `JSON.stringify` already writes `value` as json-stable-stringify does: both drop
 * `undefined` members and write `null` for `undefined` items; they differ only in key order.
 */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return value.every(keysInOrder);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return keys.every((key) => keysInOrder((value as Record<string, unknown>)[key]));
}

/**
 * The bytes Hive Gateway signs (its `defaultParamsSerializer`). Variables whose keys are
 * already in order (the planner's entity representations) take `JSON.stringify`, several
 * times faster than sorting every object again on each call.
 */
function signedPayload(query: unknown, variables: unknown): string {
  const hasVariables = variables != null && typeof variables === 'object' && Object.keys(variables).length > 0;
  const payload = { query, variables: hasVariables ? variables : undefined };
  return (keysInOrder(variables) ? JSON.stringify(payload) : stableStringify(payload)) ?? '';
}

export function signRouterProof(secret: string, request: { query: string; variables?: Record<string, unknown> }): string {
  return createHmac('sha256', secret).update(signedPayload(request.query, request.variables)).digest('base64');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Which proof the request carries, or `null` when it carries none that holds. */
export function routerProofOf(
  trust: RouterTrust,
  body: RouterProofRequest | undefined,
  staticToken: string | undefined,
): 'hmac' | 'static' | null {
  const signature = (body?.extensions as Record<string, unknown> | undefined)?.[ROUTER_PROOF_EXTENSION];
  if (typeof signature === 'string' && body && typeof body.query === 'string') {
    const expected = createHmac('sha256', trust.signingSecret).update(signedPayload(body.query, body.variables)).digest();
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'hmac' : null;
  }
  if (trust.staticToken && staticToken !== undefined) {
    // Compared as digests: equal lengths, and no timing clue about the secret's length.
    return timingSafeEqual(digest(staticToken), digest(trust.staticToken)) ? 'static' : null;
  }
  return null;
}
