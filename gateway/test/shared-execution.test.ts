import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { GatewayContext } from '../src/context.js';
import { sharingIdenticalQueries, stringifyOnce } from '../src/shared-execution.js';

// A real gateway over a one-subgraph supergraph, calling the subgraph with Apollo's own data
// source (which merges nothing), so whatever merging the subgraph sees is the executor's. The
// subgraph answers only when the test says so, so that requests are in flight together for certain.
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { customer(id: ID!): Customer }
  type Mutation { renameCustomer(id: ID!): Customer }
  type Customer @key(fields: "id") { id: ID! answer: Int! }
`;
const held: (() => void)[] = [];
let received = 0;
let server: http.Server;
let apollo: ApolloServer<GatewayContext>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const { query, variables } = JSON.parse(text) as { query: string; variables: { id: string } };
      const answer = ++received;
      held.push(() => {
        res.setHeader('content-type', 'application/json');
        const customer = { id: variables.id, answer };
        res.end(JSON.stringify({ data: query.startsWith('mutation') ? { renameCustomer: customer } : { customer } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const composed = composeServices([{ name: 'customer', url, typeDefs: parse(SDL) }]);
  if (!composed.supergraphSdl) throw new Error(composed.errors?.map((error) => error.message).join('\n'));
  const gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService: () => new RemoteGraphQLDataSource({ url }) });
  apollo = new ApolloServer<GatewayContext>({ gateway: sharingIdenticalQueries(gateway), stringifyResult: stringifyOnce() });
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await new Promise((resolve) => server.close(resolve));
});

const READ = 'query Customer($id: ID!) { customer(id: $id) { id answer } }';
const WRITE = 'mutation Rename($id: ID!) { renameCustomer(id: $id) { id answer } }';
const run = async (query: string, id: string, authorization?: string) => {
  const response = await apollo.executeOperation(
    { query, variables: { id } },
    {
      contextValue: {
        viewer: { kind: 'anonymous' },
        requestId: Math.random().toString(36).slice(2),
        clientAddress: '127.0.0.1',
        authorization,
      },
    },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
};

/** Waits for `count` subgraph calls, answers every call that arrived, and says how many did. */
async function answer(count: number): Promise<number> {
  await vi.waitFor(() => expect(held.length).toBeGreaterThanOrEqual(count));
  // Anything still on its way to the subgraph would be here by now.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const arrived = held.length;
  held.splice(0).forEach((release) => release());
  return arrived;
}

describe('identical queries in flight', () => {
  it('run once for the same token, each request answered with the result', async () => {
    const results = Promise.all([run(READ, '1', 'Bearer a'), run(READ, '1', 'Bearer a'), run(READ, '1', 'Bearer a')]);
    expect(await answer(1)).toBe(1);
    const [first, ...others] = await results;
    expect(first!.data).toEqual({ customer: { id: '1', answer: expect.any(Number) } });
    for (const other of others) expect(other.data).toEqual(first!.data);
  });

  it('run apart for another token, other variables, or no token', async () => {
    const results = Promise.all([run(READ, '1', 'Bearer a'), run(READ, '1', 'Bearer b'), run(READ, '2', 'Bearer a'), run(READ, '1')]);
    expect(await answer(4)).toBe(4);
    const answers = (await results).map((result) => (result.data as { customer: { answer: number } }).customer.answer);
    expect(new Set(answers).size).toBe(4);
  });

  it('never merge mutations', async () => {
    const results = Promise.all([run(WRITE, '1', 'Bearer a'), run(WRITE, '1', 'Bearer a')]);
    expect(await answer(2)).toBe(2);
    const answers = (await results).map((result) => (result.data as { renameCustomer: { answer: number } }).renameCustomer.answer);
    expect(answers[0]).not.toBe(answers[1]);
  });

  it('start afresh once the first has answered', async () => {
    const first = run(READ, '3', 'Bearer a');
    expect(await answer(1)).toBe(1);
    await first;
    const second = run(READ, '3', 'Bearer a');
    expect(await answer(1)).toBe(1);
    expect((await second).data).not.toEqual((await first).data);
  });
});

describe('a shared result, serialized', () => {
  it('reads as Apollo Server writes it, with or without errors, and once per result', () => {
    const stringify = stringifyOnce();
    const data = { customer: { id: '1', answer: 1 } };
    expect(stringify({ data })).toBe(`${JSON.stringify({ data })}\n`);
    const withErrors = { data, errors: [{ message: 'Partly', path: ['customer', 'answer'] }] };
    expect(stringify(withErrors)).toBe(`${JSON.stringify(withErrors)}\n`);
    expect(stringify({ data: null, errors: [{ message: 'No' }] })).toBe('{"data":null,"errors":[{"message":"No"}]}\n');
    expect(stringify({ data, extensions: { code: 'X' } })).toBe(`${JSON.stringify({ data, extensions: { code: 'X' } })}\n`);
    // The same result answering a second request: the same text, not serialized again.
    const first = stringify({ data });
    const serializations = vi.spyOn(JSON, 'stringify');
    expect(stringify({ data, errors: undefined })).toBe(first);
    expect(serializations).not.toHaveBeenCalled();
    serializations.mockRestore();
  });
});
