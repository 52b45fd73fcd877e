import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { seedBulkCustomers } from '../src/db/seed.js';
import { services } from './helpers.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const LIST = `query($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    edges { cursor node { id companyName defaultDomain relationship hasAdminRights provisioningState country } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ONE = `query($id: ID!) { customer(id: $id) { id companyName relationship hasAdminRights
  users { id userName isAdmin deleted } serviceRequests { id title status notes { text } } } }`;

const names = (data: any) => data.customers.edges.map((edge: any) => edge.node.companyName);

describe('listing and reading customers', () => {
  it.each([ADMIN, AGENT, HELPDESK])('%s lists only Contoso customers, by name', async (email) => {
    const { data, errors } = await stack.graphql(LIST, {}, { as: email });
    expect(errors).toBeUndefined();
    expect(names(data)).toEqual(['Adventure Works', 'Northwind Traders']);
    const [adventure, northwind] = data!.customers.edges.map((edge: any) => edge.node);
    expect(northwind).toMatchObject({
      relationship: 'RESELLER',
      hasAdminRights: true,
      provisioningState: 'ACTIVE',
      defaultDomain: 'northwindtraders.onmicrosoft.com',
    });
    expect(adventure).toMatchObject({ relationship: 'DELEGATED_ADMIN', hasAdminRights: true });
  });

  it('sales@ (customer access NONE) is refused', async () => {
    const list = await stack.graphql(LIST, {}, { as: SALES });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const one = await stack.graphql(ONE, { id: DEMO.customers.northwind }, { as: SALES });
    expect(one.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('anonymous callers are refused', async () => {
    const { errors } = await stack.graphql(LIST, {});
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('Fabrikam sees its own customer and none of Contoso’s', async () => {
    const { data } = await stack.graphql(LIST, {}, { as: FABRIKAM });
    expect(names(data)).toEqual(['Alpine Ski House']);
    for (const id of [DEMO.customers.northwind, DEMO.customers.adventureWorks]) {
      const one = await stack.graphql(ONE, { id }, { as: FABRIKAM });
      expect(one.errors).toBeUndefined();
      expect(one.data?.customer).toBeNull();
    }
  });

  it('reads a customer with its users (admin first-class) and service requests', async () => {
    const { data, errors } = await stack.graphql(ONE, { id: DEMO.customers.northwind }, { as: HELPDESK });
    expect(errors).toBeUndefined();
    expect(data?.customer.users).toHaveLength(3);
    expect(data?.customer.users).toContainEqual({
      id: DEMO.customerAdmins.northwind,
      userName: 'admin@northwindtraders.onmicrosoft.com',
      isAdmin: true,
      deleted: false,
    });
    expect(data?.customer.serviceRequests.map((r: any) => r.status).sort()).toEqual(['ATTENTION_NEEDED', 'OPEN']);
  });

  it('an unknown or malformed id is null', async () => {
    for (const id of ['6f1a0c3e-0000-4000-8003-999999999999', 'not-a-uuid']) {
      const { data, errors } = await stack.graphql(ONE, { id }, { as: AGENT });
      expect(errors).toBeUndefined();
      expect(data?.customer).toBeNull();
    }
  });

  it('searches by case-insensitive prefix of the name or of the domain', async () => {
    const byName = await stack.graphql(LIST, { search: 'NORTH' }, { as: AGENT });
    expect(names(byName.data)).toEqual(['Northwind Traders']);
    const byDomain = await stack.graphql(LIST, { search: 'adventurew' }, { as: AGENT });
    expect(names(byDomain.data)).toEqual(['Adventure Works']);
    const notInfix = await stack.graphql(LIST, { search: 'wind' }, { as: AGENT });
    expect(names(notInfix.data)).toEqual([]);
    const wildcard = await stack.graphql(LIST, { search: '%' }, { as: AGENT });
    expect(names(wildcard.data)).toEqual([]);
    const otherPartner = await stack.graphql(LIST, { search: 'alpine' }, { as: AGENT });
    expect(names(otherPartner.data)).toEqual([]);
  });

  it('pages with a cursor in a stable order', async () => {
    const first = await stack.graphql(LIST, { first: 1 }, { as: AGENT });
    expect(names(first.data)).toEqual(['Adventure Works']);
    expect(first.data?.customers.pageInfo.hasNextPage).toBe(true);
    const second = await stack.graphql(LIST, { first: 1, after: first.data?.customers.pageInfo.endCursor }, { as: AGENT });
    expect(names(second.data)).toEqual(['Northwind Traders']);
    expect(second.data?.customers.pageInfo.hasNextPage).toBe(false);
  });

  it('isDomainAvailable tells a taken prefix from an invalid one', async () => {
    const ask = async (prefix: string, as: string | null = AGENT) => {
      const response = await stack.graphql(
        'query($p: String!) { isDomainAvailable(prefix: $p) { domain available reason message } }',
        { p: prefix },
        { as },
      );
      return response.errors ? response.errors[0]?.extensions?.code : response.data?.isDomainAvailable;
    };
    const taken = {
      domain: 'northwindtraders.onmicrosoft.com',
      available: false,
      reason: 'TAKEN',
      message: 'northwindtraders.onmicrosoft.com is already taken',
    };
    expect(await ask('northwindtraders')).toEqual(taken);
    expect(await ask('NorthwindTraders')).toEqual(taken);
    // Another partner's customer's domain is taken too: domains are global.
    expect(await ask('alpineskihouse', AGENT)).toMatchObject({ available: false, reason: 'TAKEN' });
    expect(await ask('brand-new-prefix')).toEqual({
      domain: 'brand-new-prefix.onmicrosoft.com',
      available: true,
      reason: null,
      message: null,
    });
    for (const invalid of ['bad prefix!', 'a'.repeat(28), '-leading', '']) {
      expect(await ask(invalid), invalid).toEqual({
        domain: null,
        available: false,
        reason: 'INVALID_PREFIX',
        message: expect.stringContaining('27'),
      });
    }
    expect(await ask('brand-new-prefix', null)).toBe('UNAUTHENTICATED');
  });
});

describe('internal fields', () => {
  it('are not in the client API', async () => {
    const { errors } = await stack.graphql(
      `{ customerAccess(partnerId: "${DEMO.partners.contoso}", customerIds: []) { customerId } }`,
      {},
      { as: AGENT },
    );
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('customerAccess answers another service with the partner’s relationships and admin rights', async () => {
    const response = await stack.subgraphRequest(
      'customer',
      `query($p: ID!, $ids: [ID!]!) { customerAccess(partnerId: $p, customerIds: $ids) { customerId country provisioningState relationship hasAdminRights } }`,
      {
        issuer: 'subscription',
        variables: {
          p: DEMO.partners.contoso,
          ids: [DEMO.customers.northwind, DEMO.customers.adventureWorks, DEMO.customers.alpineSkiHouse, 'junk'],
        },
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.customerAccess).toEqual(
      expect.arrayContaining([
        {
          customerId: DEMO.customers.northwind,
          country: 'FR',
          provisioningState: 'ACTIVE',
          relationship: 'RESELLER',
          hasAdminRights: true,
        },
        {
          customerId: DEMO.customers.adventureWorks,
          country: 'FR',
          provisioningState: 'ACTIVE',
          relationship: 'DELEGATED_ADMIN',
          hasAdminRights: true,
        },
      ]),
    );
    expect(response.data?.customerAccess).toHaveLength(2);
  });

  it('customerUsersById returns the customer’s users only', async () => {
    const response = await stack.subgraphRequest(
      'customer',
      `query($c: ID!, $ids: [ID!]!) { customerUsersById(customerId: $c, userIds: $ids) { id customerId isAdmin deleted } }`,
      {
        issuer: 'subscription',
        variables: { c: DEMO.customers.northwind, ids: [DEMO.customerAdmins.northwind, DEMO.customerAdmins.alpineSkiHouse] },
      },
    );
    expect(response.data?.customerUsersById).toEqual([
      { id: DEMO.customerAdmins.northwind, customerId: DEMO.customers.northwind, isAdmin: true, deleted: false },
    ]);
  });

  it('refuses the gateway (a client) on internal fields', async () => {
    const response = await stack.subgraphRequest(
      'customer',
      `{ customerAccess(partnerId: "${DEMO.partners.contoso}", customerIds: []) { customerId } }`,
      { issuer: 'router' },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

const CREATE_USER = `mutation($c: ID!, $input: CreateCustomerUserInput!, $key: String) {
  createCustomerUser(customerId: $c, input: $input, idempotencyKey: $key) { user { id userName isAdmin } temporaryPassword errors { code field } } }`;
const DELETE_USER = `mutation($id: ID!) { deleteCustomerUser(id: $id) { user { id deleted purgeAt } errors { code } } }`;
const RESTORE_USER = `mutation($id: ID!) { restoreCustomerUser(id: $id) { user { id deleted } errors { code } } }`;
const RESET = `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { user { id } temporaryPassword errors { code } } }`;

describe('customer users', () => {
  it('agent@ creates a user (password once), deletes it and restores it', async () => {
    const created = await stack.graphql(
      CREATE_USER,
      { c: DEMO.customers.northwind, input: { firstName: 'Zoé', lastName: 'Lefèvre' }, key: 'u-1' },
      { as: AGENT },
    );
    expect(created.data?.createCustomerUser.errors).toEqual([]);
    expect(created.data?.createCustomerUser.user).toMatchObject({
      userName: 'zoe.lefevre@northwindtraders.onmicrosoft.com',
      isAdmin: false,
    });
    expect(created.data?.createCustomerUser.temporaryPassword).toMatch(/^.{16}$/);
    const replay = await stack.graphql(
      CREATE_USER,
      { c: DEMO.customers.northwind, input: { firstName: 'Zoé', lastName: 'Lefèvre' }, key: 'u-1' },
      { as: AGENT },
    );
    expect(replay.data?.createCustomerUser.user.id).toBe(created.data?.createCustomerUser.user.id);
    expect(replay.data?.createCustomerUser.temporaryPassword).toBeNull();
    const id = created.data?.createCustomerUser.user.id;

    const deleted = await stack.graphql(DELETE_USER, { id }, { as: AGENT });
    expect(deleted.data?.deleteCustomerUser.user.deleted).toBe(true);
    const listed = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { users { id } all: users(includeDeleted: true) { id deleted } } }`,
      { id: DEMO.customers.northwind },
      { as: AGENT },
    );
    expect(listed.data?.customer.users.map((u: any) => u.id)).not.toContain(id);
    expect(listed.data?.customer.all).toContainEqual({ id, deleted: true });

    const restored = await stack.graphql(RESTORE_USER, { id }, { as: AGENT });
    expect(restored.data?.restoreCustomerUser).toEqual({ user: { id, deleted: false }, errors: [] });
    const again = await stack.graphql(RESTORE_USER, { id }, { as: AGENT });
    expect(again.data?.restoreCustomerUser.errors[0].code).toBe('INVALID_STATUS_TRANSITION');
  });

  it('a deleted user is purged after 30 days and cannot be restored', async () => {
    const created = await stack.graphql(
      CREATE_USER,
      { c: DEMO.customers.northwind, input: { firstName: 'Old', lastName: 'Timer' } },
      { as: AGENT },
    );
    const id = created.data?.createCustomerUser.user.id;
    await stack.graphql(DELETE_USER, { id }, { as: AGENT });
    stack.clock.advanceDays(31);
    try {
      const restored = await stack.graphql(RESTORE_USER, { id }, { as: AGENT });
      expect(restored.data?.restoreCustomerUser.errors[0].code).toBe('NOT_FOUND');
      const { customerUsers } = services(stack);
      expect(await customerUsers.purgeExpired()).toBeGreaterThanOrEqual(1);
      const rows = await stack.subgraphs.customer.db.query('SELECT 1 FROM customer_user WHERE id = $1', [id]);
      expect(rows).toHaveLength(0);
    } finally {
      stack.clock.advanceDays(-31);
    }
  });

  it('helpdesk@ (LIMITED) cannot create or delete users', async () => {
    const created = await stack.graphql(
      CREATE_USER,
      { c: DEMO.customers.northwind, input: { firstName: 'No', lastName: 'Way' } },
      { as: HELPDESK },
    );
    expect(created.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deleted = await stack.graphql(DELETE_USER, { id: DEMO.customerAdmins.northwind }, { as: HELPDESK });
    expect(deleted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sales@ cannot create users or reset passwords', async () => {
    for (const [query, vars] of [
      [CREATE_USER, { c: DEMO.customers.northwind, input: { firstName: 'No', lastName: 'Way' } }],
      [RESET, { id: DEMO.customerAdmins.northwind }],
    ] as const) {
      const response = await stack.graphql(query, vars, { as: SALES });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('resets passwords: FULL any user, LIMITED only non-admins', async () => {
    const users = await stack.graphql(ONE, { id: DEMO.customers.northwind }, { as: AGENT });
    const ordinary = users.data?.customer.users.find((u: any) => !u.isAdmin && !u.deleted).id;
    const byAgent = await stack.graphql(RESET, { id: DEMO.customerAdmins.northwind }, { as: AGENT });
    expect(byAgent.data?.resetCustomerUserPassword.temporaryPassword).toMatch(/^.{16}$/);
    const byHelpdesk = await stack.graphql(RESET, { id: ordinary }, { as: HELPDESK });
    expect(byHelpdesk.data?.resetCustomerUserPassword.errors).toEqual([]);
    expect(byHelpdesk.data?.resetCustomerUserPassword.temporaryPassword).toMatch(/^.{16}$/);
    const adminByHelpdesk = await stack.graphql(RESET, { id: DEMO.customerAdmins.northwind }, { as: HELPDESK });
    expect(adminByHelpdesk.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('Fabrikam gets NOT_FOUND for Contoso’s customer users', async () => {
    const created = await stack.graphql(
      CREATE_USER,
      { c: DEMO.customers.northwind, input: { firstName: 'Sneaky', lastName: 'Fab' } },
      { as: FABRIKAM },
    );
    expect(created.data?.createCustomerUser.errors[0]).toEqual({ code: 'NOT_FOUND', field: 'customerId' });
    for (const query of [DELETE_USER, RESTORE_USER]) {
      const response = await stack.graphql(query, { id: DEMO.customerAdmins.northwind }, { as: FABRIKAM });
      expect(Object.values(response.data ?? {})[0]).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] });
    }
    const reset = await stack.graphql(RESET, { id: DEMO.customerAdmins.northwind }, { as: FABRIKAM });
    expect(reset.data?.resetCustomerUserPassword).toEqual({ user: null, temporaryPassword: null, errors: [{ code: 'NOT_FOUND' }] });
  });

  it('cannot delete the last admin', async () => {
    const response = await stack.graphql(DELETE_USER, { id: DEMO.customerAdmins.northwind }, { as: AGENT });
    expect(response.data?.deleteCustomerUser.errors[0].code).toBe('VALIDATION_FAILED');
  });
});

const CREATE_SR = `mutation($c: ID!, $input: CreateServiceRequestInput!) { createServiceRequest(customerId: $c, input: $input) { serviceRequest { id status severity } errors { code field } } }`;
const NOTE_SR = `mutation($id: ID!, $text: String!) { addServiceRequestNote(id: $id, text: $text) { serviceRequest { id status notes { text } } errors { code } } }`;
const CLOSE_SR = `mutation($id: ID!) { closeServiceRequest(id: $id) { serviceRequest { id status closedAt } errors { code } } }`;

describe('service requests', () => {
  it('helpdesk@ opens, notes and closes a request', async () => {
    const created = await stack.graphql(
      CREATE_SR,
      { c: DEMO.customers.adventureWorks, input: { title: 'Password policy', description: 'Set 90-day expiry', severity: 'MODERATE' } },
      { as: HELPDESK },
    );
    expect(created.data?.createServiceRequest.errors).toEqual([]);
    const id = created.data?.createServiceRequest.serviceRequest.id;
    expect(created.data?.createServiceRequest.serviceRequest).toMatchObject({ status: 'OPEN', severity: 'MODERATE' });
    const noted = await stack.graphql(NOTE_SR, { id, text: 'Customer confirmed the change window.' }, { as: HELPDESK });
    expect(noted.data?.addServiceRequestNote.serviceRequest.notes).toEqual([{ text: 'Customer confirmed the change window.' }]);
    const closed = await stack.graphql(CLOSE_SR, { id }, { as: AGENT });
    expect(closed.data?.closeServiceRequest.serviceRequest.status).toBe('CLOSED');
    const twice = await stack.graphql(CLOSE_SR, { id }, { as: AGENT });
    expect(twice.data?.closeServiceRequest.errors[0].code).toBe('INVALID_STATUS_TRANSITION');
    const late = await stack.graphql(NOTE_SR, { id, text: 'late' }, { as: AGENT });
    expect(late.data?.addServiceRequestNote.errors[0].code).toBe('INVALID_STATUS_TRANSITION');
  });

  // Notes, closing and input limits are rules: test/rules.test.ts.
  it('sales@ is refused; Fabrikam gets NOT_FOUND and sees none of Contoso’s requests', async () => {
    const bySales = await stack.graphql(
      CREATE_SR,
      { c: DEMO.customers.northwind, input: { title: 't', description: 'd', severity: 'MINIMAL' } },
      { as: SALES },
    );
    expect(bySales.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byFabrikam = await stack.graphql(
      CREATE_SR,
      { c: DEMO.customers.northwind, input: { title: 't', description: 'd', severity: 'MINIMAL' } },
      { as: FABRIKAM },
    );
    expect(byFabrikam.data?.createServiceRequest.errors[0].code).toBe('NOT_FOUND');
    const contoso = await stack.graphql(ONE, { id: DEMO.customers.northwind }, { as: AGENT });
    const requestId = contoso.data?.customer.serviceRequests[0].id;
    const close = await stack.graphql(CLOSE_SR, { id: requestId }, { as: FABRIKAM });
    expect(close.data?.closeServiceRequest.errors[0].code).toBe('NOT_FOUND');
    const own = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { serviceRequests { title } } }`,
      { id: DEMO.customers.alpineSkiHouse },
      { as: FABRIKAM },
    );
    expect(own.data?.customer.serviceRequests).toEqual([{ title: 'Teams calling setup' }]);
  });
});

describe('N+1', () => {
  it('a page of customers with their users, requests and relationships costs the same statements for 1 and for 50', async () => {
    await seedBulkCustomers(stack.subgraphs.customer.db, stack.clock, { partnerId: DEMO.partners.fabrikam, count: 60 });
    const query = `query($first: Int) { customers(first: $first) { edges { node { id hasAdminRights users { id userName } serviceRequests { id notes { id } } delegatedAdminRelationships { id status } } } } }`;
    // The first customer of the page gets a service request too, so the page of 1 walks every child list.
    const firstPage = await stack.graphql(`{ customers(first: 1) { edges { node { id } } } }`, {}, { as: FABRIKAM });
    const opened = await stack.graphql(
      CREATE_SR,
      { c: firstPage.data?.customers.edges[0].node.id, input: { title: 'Bulk', description: 'd', severity: 'MINIMAL' } },
      { as: FABRIKAM },
    );
    expect(opened.data?.createServiceRequest.errors).toEqual([]);
    const cost = async (first: number) => {
      const before = stack.subgraphs.customer.queries.count;
      const { data, errors } = await stack.graphql(query, { first }, { as: FABRIKAM });
      expect(errors).toBeUndefined();
      expect(data?.customers.edges).toHaveLength(first);
      return stack.subgraphs.customer.queries.count - before;
    };
    const one = await cost(1);
    const fifty = await cost(50);
    expect(fifty).toBe(one);
  });
});
