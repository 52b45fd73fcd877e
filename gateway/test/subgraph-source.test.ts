import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routerProofOf } from '@partner-graph/platform';
import { SubgraphSource } from '../src/subgraph-source.js';

// The gateway's subgraph calls against a subgraph that answers only when the test says so, so
// that requests are in flight together for certain.
const SECRET = 'a-router-secret-for-this-test-0123456789';
const received: {
  headers: http.IncomingHttpHeaders;
  body: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> };
}[] = [];
const held: (() => void)[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text);
      received.push({ headers: req.headers, body });
      held.push(() => {
        res.setHeader('content-type', 'application/json');
        if (body.query.includes('_entities')) {
          // An entity fetch: each representation answered, `gone` ones with an error at their place.
          const representations = body.variables!.representations as { __typename: string; id: string }[];
          const _entities = representations.map(({ __typename, id }) =>
            id === 'gone' ? null : { __typename, id, asked: representations.length },
          );
          const errors = representations.flatMap(({ id }, at) =>
            id === 'gone' ? [{ message: 'No such offer', path: ['_entities', at, 'name'] }] : [],
          );
          res.end(JSON.stringify({ data: { _entities }, ...(errors.length ? { errors } : {}) }));
          return;
        }
        res.end(
          JSON.stringify({
            data: { echo: { n: received.length, authorization: req.headers.authorization ?? null, variables: body.variables ?? null } },
          }),
        );
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const source = () => new SubgraphSource(url, SECRET, 'customer', 5_000);
const call = (subgraph: SubgraphSource, query: string, variables: Record<string, unknown>, authorization?: string) =>
  subgraph.process({
    // GraphQLDataSourceRequestKind.HEALTH_CHECK (the enum is not exported): no incoming operation to shape.
    kind: 'health check' as never,
    request: { query, variables },
    context: { viewer: { kind: 'anonymous' }, requestId: `request-${Math.random().toString(36).slice(2)}`, authorization },
  });

/** Waits for `count` requests to arrive, answers them all, and returns how many arrived. */
async function answer(count: number): Promise<number> {
  await vi.waitFor(() => expect(held.length).toBeGreaterThanOrEqual(count));
  // Anything still on its way to the subgraph would be here by now.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const arrived = held.length;
  held.splice(0).forEach((release) => release());
  return arrived;
}

const READ = 'query Op__customer__0($id: ID!) { customer(id: $id) { id } }';
const ENTITIES =
  'query Op__offer__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Offer { name } } }';
const WRITE = 'mutation Op__customer__1($id: ID!) { touch(id: $id) }';

describe('subgraph calls', () => {
  it('forward the token and request id, signed over the document and variables', async () => {
    received.length = 0;
    const pending = call(source(), READ, { id: '1' }, 'Bearer token-a');
    await answer(1);
    await pending;
    const { headers, body } = received[0]!;
    expect(headers.authorization).toBe('Bearer token-a');
    expect(headers['x-request-id']).toMatch(/^request-/);
    expect(routerProofOf({ signingSecret: SECRET }, body, undefined)).toBe('hmac');
    expect(routerProofOf({ signingSecret: SECRET }, { ...body, variables: { id: '2' } }, undefined)).toBeNull();
  });

  it('merge identical reads in flight for one token; another token or other variables get their own call', async () => {
    received.length = 0;
    const subgraph = source();
    const same = Array.from({ length: 5 }, () => call(subgraph, READ, { id: '1' }, 'Bearer token-a'));
    const otherUser = call(subgraph, READ, { id: '1' }, 'Bearer token-b');
    const anonymous = call(subgraph, READ, { id: '1' });
    const otherVariables = call(subgraph, READ, { id: '2' }, 'Bearer token-a');
    expect(await answer(4)).toBe(4);
    const answers = await Promise.all(same);
    expect(new Set(answers.map((a) => JSON.stringify(a.data)))).toHaveProperty('size', 1);
    expect(answers[0]!.data).toMatchObject({ echo: { authorization: 'Bearer token-a', variables: { id: '1' } } });
    // Each request gets its own copy of the answer to shape.
    expect(answers[0]!.data).not.toBe(answers[1]!.data);
    expect((await otherUser).data).toMatchObject({ echo: { authorization: 'Bearer token-b' } });
    expect((await anonymous).data).toMatchObject({ echo: { authorization: null } });
    expect((await otherVariables).data).toMatchObject({ echo: { variables: { id: '2' } } });
  });

  it('never merge mutations, and forget a read once it is answered', async () => {
    received.length = 0;
    const subgraph = source();
    const writes = [call(subgraph, WRITE, { id: '1' }, 'Bearer token-a'), call(subgraph, WRITE, { id: '1' }, 'Bearer token-a')];
    expect(await answer(2)).toBe(2);
    await Promise.all(writes);
    const first = call(subgraph, READ, { id: '1' }, 'Bearer token-a');
    await answer(1);
    await first;
    const second = call(subgraph, READ, { id: '1' }, 'Bearer token-a');
    await answer(1);
    await second;
    expect(received).toHaveLength(4);
  });

  it('send each entity once, and answer every place the planner asked for it', async () => {
    received.length = 0;
    const offer = (id: string) => ({ __typename: 'Offer', id });
    const representations = [offer('b'), offer('a'), offer('b'), offer('gone'), offer('a'), offer('gone')];
    const pending = call(source(), ENTITIES, { representations }, 'Bearer token-a');
    await answer(1);
    const { data, errors } = await pending;
    // Each once, in an order that does not depend on where they stood.
    expect(received[0]!.body.variables).toEqual({ representations: [offer('a'), offer('b'), offer('gone')] });
    // The proof covers what was sent.
    expect(routerProofOf({ signingSecret: SECRET }, received[0]!.body, undefined)).toBe('hmac');
    const entities = (data as { _entities: ({ id: string; asked: number } | null)[] })._entities;
    expect(entities.map((entity) => entity?.id ?? null)).toEqual(['b', 'a', 'b', null, 'a', null]);
    expect(entities[0]).toEqual({ __typename: 'Offer', id: 'b', asked: 3 });
    // The planner merges later fetches into each place: no two places share an object.
    expect(entities[2]).toEqual(entities[0]);
    expect(entities[2]).not.toBe(entities[0]);
    expect(errors?.map((error) => error.path)).toEqual([
      ['_entities', 3, 'name'],
      ['_entities', 5, 'name'],
    ]);
  });
});
