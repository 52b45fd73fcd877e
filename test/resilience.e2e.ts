import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';
import { AGENT } from './demo-users.js';

// A subgraph going down costs only the fields it serves; the gateway recovers by itself.
// (`history` is never kept by the gateway's answer cache, so each read asks the subgraph.)
const QUERY = `query($id: ID!) { me { email } subscription(id: $id) { id quantity history { action } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a subgraph that is down', () => {
  it("returns the other subgraphs' data with an error on the missing fields, then recovers", async () => {
    const variables = { id: DEMO.subscriptions.northwindBusinessStandard };
    const healthy = await stack.graphql(QUERY, variables, { as: AGENT });
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data).toMatchObject({ me: { email: AGENT }, subscription: { id: variables.id } });

    await stack.subgraphs.subscription.kill();
    const degraded = await stack.graphql(QUERY, variables, { as: AGENT });
    expect(degraded.status).toBe(200);
    expect(degraded.data).toEqual({ me: { email: AGENT }, subscription: null });
    expect(degraded.errors).toHaveLength(1);
    expect(degraded.errors![0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'subscription' } });
    expect(degraded.errors![0]!.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/i);

    await stack.subgraphs.subscription.restart();
    const recovered = await stack.graphql(QUERY, variables, { as: AGENT });
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data!.subscription.id).toBe(variables.id);
  });
});

describe('an unexpected failure inside a subgraph', () => {
  it('is INTERNAL_SERVER_ERROR with no SQL, table name or stack trace', async () => {
    const db = stack.subgraphs.partner.db;
    await db.query('ALTER TABLE partner RENAME TO partner_moved');
    try {
      const response = await stack.graphql('{ partner { companyName } }', {}, { as: AGENT });
      expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const text = JSON.stringify(response);
      expect(text).not.toMatch(/relation|partner_moved|SELECT|stacktrace|\.ts:\d+/i);
    } finally {
      await db.query('ALTER TABLE partner_moved RENAME TO partner');
    }
  });
});
