import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Viewer } from '@partner-graph/platform';
import type { GatewayContext } from '../src/context.js';
import { publicLinkLimits } from '../src/public-links.js';

// The plugin on a plain server: what it refuses never reaches a resolver, which counts what ran.
const typeDefs = `
  type Query { ok: Boolean }
  type Mutation {
    acceptTrialInvitation(code: String!): Boolean
    acceptPurchaseOffer(code: String!): Boolean
    revokeTrialInvitation(id: ID!): Boolean
  }
`;
let ran = 0;
const run = () => {
  ran++;
  return true;
};
const PARTNER: Viewer = {
  kind: 'partner-user',
  partnerId: 'p',
  userId: 'u',
  companyRole: 'GLOBAL_ADMIN',
  customerAccess: 'FULL',
  programs: [],
};
const CODE = 'c'.repeat(43);
let apollo: ApolloServer<GatewayContext>;

beforeAll(async () => {
  apollo = new ApolloServer<GatewayContext>({
    typeDefs,
    resolvers: { Mutation: { acceptTrialInvitation: run, acceptPurchaseOffer: run, revokeTrialInvitation: run } },
    plugins: [
      publicLinkLimits({
        perAddress: new RateLimiterMemory({ points: 3, duration: 3600 }),
        perLink: new RateLimiterMemory({ points: 5, duration: 3600 }),
      }),
    ],
  });
  await apollo.start();
});
afterAll(() => apollo.stop());

async function send(query: string, options: { address: string; viewer?: Viewer; variables?: Record<string, unknown> }) {
  const response = await apollo.executeOperation(
    { query, variables: options.variables },
    { contextValue: { viewer: options.viewer ?? { kind: 'anonymous' }, requestId: 'test-request', clientAddress: options.address } },
  );
  const body = response.body.kind === 'single' ? response.body.singleResult : null;
  return {
    status: response.http.status ?? 200,
    retryAfter: response.http.headers.get('retry-after'),
    code: body?.errors?.[0]?.extensions?.code,
    limit: body?.errors?.[0]?.extensions?.limit,
  };
}

const accept = (code: string) => `mutation { acceptTrialInvitation(code: "${code}") }`;

describe('customer-facing links at a human pace', () => {
  it('an anonymous request carries one mutation field: aliases, fragments and other mutations count, nothing runs', async () => {
    const before = ran;
    const aliased = `mutation { ${Array.from({ length: 10 }, (_, i) => `a${i}: acceptTrialInvitation(code: "${CODE}")`).join(' ')} }`;
    expect(await send(aliased, { address: '10.0.0.1' })).toMatchObject({
      status: 400,
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'anonymousMutationFields',
    });
    const hidden = `mutation { acceptTrialInvitation(code: "${CODE}") ...more } fragment more on Mutation { ... on Mutation { again: acceptPurchaseOffer(code: "${CODE}") } }`;
    expect(await send(hidden, { address: '10.0.0.1' })).toMatchObject({ status: 400, code: 'QUERY_LIMIT_EXCEEDED' });
    expect(
      await send(`mutation { revokeTrialInvitation(id: "1") acceptTrialInvitation(code: "${CODE}") }`, { address: '10.0.0.1' }),
    ).toMatchObject({ status: 400 });
    expect(ran).toBe(before);
    // A partner user is accountable for its requests (and rate-limited by its token): several fields run.
    expect(
      await send(`mutation { revokeTrialInvitation(id: "1") again: revokeTrialInvitation(id: "2") }`, {
        address: '10.0.0.1',
        viewer: PARTNER,
      }),
    ).toMatchObject({ status: 200 });
    expect(ran).toBe(before + 2);
  });

  it('an address past its budget gets 429 with Retry-After, whatever link it tries', async () => {
    const address = '10.0.0.2';
    for (let i = 0; i < 3; i++) expect((await send(accept(`${CODE}-${i}`), { address })).status).toBe(200);
    const refused = await send(accept(`${CODE}-another`), { address });
    expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(3500);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3600);
    expect((await send(accept(`${CODE}-another`), { address: '10.0.0.3' })).status).toBe(200);
  });

  it('a link past its budget gets 429 from any address, the code read from a literal or a variable, as the subgraph trims it', async () => {
    const link = 'l'.repeat(43);
    const byVariable = 'mutation($code: String!) { acceptPurchaseOffer(code: $code) }';
    for (let i = 0; i < 5; i++) {
      const address = `10.0.1.${i}`;
      const response =
        i % 2 ? await send(accept(link), { address }) : await send(byVariable, { address, variables: { code: ` ${link} ` } });
      expect(response.status).toBe(200);
    }
    expect(await send(byVariable, { address: '10.0.1.9', variables: { code: link } })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(await send(accept(link), { address: '10.0.1.10', viewer: PARTNER })).toMatchObject({ status: 429 });
    expect((await send(accept('m'.repeat(43)), { address: '10.0.1.10' })).status).toBe(200);
  });

  it('queries and other mutations are not counted', async () => {
    const address = '10.0.0.4';
    for (let i = 0; i < 5; i++) expect((await send('{ ok }', { address })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await send('mutation { revokeTrialInvitation(id: "1") }', { address })).status).toBe(200);
    expect((await send(accept('n'.repeat(43)), { address })).status).toBe(200);
  });
});
