import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultParamsSerializer } from '@graphql-hive/gateway';
import { routerProofOf, ROUTER_PROOF_EXTENSION, signRouterProof } from '../src/router-proof.js';

const SECRET = 'a-router-secret-for-this-test-0123456789';
/** What Hive Gateway's `hmacSignature` would put in the request (its own serializer, HMAC-SHA256, base64). */
const hiveSignature = (query: string, variables?: Record<string, unknown>) =>
  createHmac('sha256', SECRET)
    .update(defaultParamsSerializer({ query, variables } as never)!)
    .digest('base64');

const QUERY =
  'query Op__customer__0($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { id } } }';
const cases: [string, Record<string, unknown> | undefined][] = [
  ['no variables', undefined],
  ['empty variables', {}],
  [
    'keys in order (entity representations)',
    {
      representations: [
        { __typename: 'Customer', id: '1' },
        { __typename: 'Customer', id: '2' },
      ],
    },
  ],
  ['keys out of order, nested', { input: { z: 1, a: { y: [{ d: null, c: 'é\u2028"\\\\' }], b: -0 } }, first: 50 }],
  ['integer-like keys', { map: { 10: 'ten', 9: 'nine', a: 1e21 } }],
  ['undefined members and items', { a: undefined, list: [undefined, 1], nested: { b: undefined } }],
];

describe('the router proof', () => {
  it.each(cases)("is Hive Gateway's hmacSignature: %s", (_name, variables) => {
    expect(signRouterProof(SECRET, { query: QUERY, variables })).toBe(hiveSignature(QUERY, variables));
  });

  it.each(cases)('holds for the request as sent, and for nothing else: %s', (_name, variables) => {
    // The subgraph reads the request from JSON, as sent.
    const sent = JSON.parse(
      JSON.stringify({
        query: QUERY,
        variables,
        extensions: { [ROUTER_PROOF_EXTENSION]: signRouterProof(SECRET, { query: QUERY, variables }) },
      }),
    );
    expect(routerProofOf({ signingSecret: SECRET }, sent, undefined)).toBe('hmac');
    expect(routerProofOf({ signingSecret: SECRET }, { ...sent, variables: { ...sent.variables, extra: 1 } }, undefined)).toBeNull();
    expect(routerProofOf({ signingSecret: SECRET }, { ...sent, query: `${QUERY} ` }, undefined)).toBeNull();
    expect(routerProofOf({ signingSecret: `${SECRET}x` }, sent, undefined)).toBeNull();
  });

  it('refuses a malformed signature, and a static credential unless one is configured and matches', () => {
    expect(
      routerProofOf({ signingSecret: SECRET }, { query: QUERY, extensions: { [ROUTER_PROOF_EXTENSION]: 'not base64 at all' } }, undefined),
    ).toBeNull();
    expect(routerProofOf({ signingSecret: SECRET }, { query: QUERY }, undefined)).toBeNull();
    expect(routerProofOf({ signingSecret: SECRET }, { query: QUERY }, 'anything')).toBeNull();
    const trust = { signingSecret: SECRET, staticToken: 'a-static-router-credential-0123456789' };
    expect(routerProofOf(trust, { query: QUERY }, 'a-static-router-credential-0123456789')).toBe('static');
    expect(routerProofOf(trust, { query: QUERY }, 'a-static-router-credential-012345678')).toBeNull();
    // A signature that does not hold is refused even beside the right static credential.
    expect(routerProofOf(trust, { query: QUERY, extensions: { [ROUTER_PROOF_EXTENSION]: 'AAAA' } }, trust.staticToken)).toBeNull();
  });
});
