import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ workers: true });
});
afterAll(async () => {
  await stack?.stop();
});

describe('provisioning through the job queue', () => {
  it('a created customer becomes ACTIVE in the background, with an audit trail', async () => {
    const { data } = await stack.graphql(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input, idempotencyKey: "bg-1") { customer { id provisioningState } errors { code field } } }`,
      {
        input: {
          companyName: 'Background Bakery',
          domainPrefix: 'backgroundbakery',
          country: 'FR',
          addressLine1: '3 rue du Four',
          city: 'Nantes',
          postalCode: '44000',
          contactFirstName: 'Basile',
          contactLastName: 'Pain',
          contactEmail: 'basile@bakery.example',
          contactPhone: '+33 2 40 00 00 00',
          subscription: { offerId: DEMO.offers.businessBasic, quantity: 4 },
        },
      },
      { as: DEMO.users.contosoAgent.email },
    );
    expect(data?.createCustomer.errors).toEqual([]);
    const id = data?.createCustomer.customer.id;
    const provisioningState = async () =>
      (await stack.graphql(`query($id: ID!) { customer(id: $id) { provisioningState } }`, { id }, { as: DEMO.users.contosoAgent.email }))
        .data?.customer.provisioningState;
    await expect.poll(provisioningState, { timeout: 30_000, interval: 100 }).toBe('ACTIVE');
    const audit = await stack.subgraphs.customer.db.query(
      `SELECT operation, outcome FROM audit_record WHERE customer_id = $1 ORDER BY occurred_at, operation`,
      [id],
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        { operation: 'createCustomer', outcome: 'SUCCESS' },
        { operation: 'provisionCustomer', outcome: 'SUCCESS' },
      ]),
    );
  });
});
