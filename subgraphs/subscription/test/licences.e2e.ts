import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';
import { customerAdminSignIn } from '../../../test/customer-admin.js';

// Licences are an admin action in the customer's tenant (docs/api.md, "Who may do what"): FULL effective access on
// the customer, on any of its subscriptions; they follow the customer's users.

const FIELDS = 'id quantity status version assignedLicences availableLicences allowedActions licenceAssignments { userId }';
const READ = `query($id: ID!) { subscription(id: $id) { ${FIELDS} history { action field oldValue newValue } } }`;
const ASSIGN = `mutation($id: ID!, $user: ID!, $v: Int) { assignLicence(subscriptionId: $id, userId: $user, expectedVersion: $v) { subscription { ${FIELDS} } errors { code field } } }`;
const UNASSIGN = `mutation($id: ID!, $user: ID!, $v: Int) { unassignLicence(subscriptionId: $id, userId: $user, expectedVersion: $v) { subscription { ${FIELDS} } errors { code field } } }`;
const CHANGE = `mutation($id: ID!, $q: Int!) { changeSubscriptionQuantity(id: $id, quantity: $q) { subscription { quantity } errors { code field } } }`;
const CREATE_USER = `mutation($c: ID!, $first: String!, $last: String!) { createCustomerUser(customerId: $c, input: { firstName: $first, lastName: $last }) { user { id } errors { code } } }`;
const DELETE_USER = `mutation($id: ID!) { deleteCustomerUser(id: $id) { user { id deleted } licencesReleased { id } errors { code } } }`;
const RESTORE_USER = `mutation($id: ID!) { restoreCustomerUser(id: $id) { user { id deleted } licencesRestored { id } licencesNotRestored { subscription { id } code message } errors { code } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const read = async (id: string, as = AGENT) => {
  const response = await stack.graphql(READ, { id }, { as });
  expect(response.errors).toBeUndefined();
  return response.data!.subscription;
};
async function addSubscription(offerId: string, quantity: number): Promise<{ id: string; allowedActions: string[] }> {
  const response = await stack.graphql(
    `mutation($c: ID!, $o: ID!, $q: Int!, $key: String) { addSubscription(customerId: $c, offerId: $o, quantity: $q, idempotencyKey: $key) { subscription { id allowedActions } errors { code } } }`,
    { c: DEMO.customers.northwind, o: offerId, q: quantity, key: randomUUID() },
    { as: AGENT },
  );
  expect(response.data!.addSubscription.errors).toEqual([]);
  return response.data!.addSubscription.subscription;
}
async function createUser(customerId: string, first: string, last: string): Promise<string> {
  const response = await stack.graphql(CREATE_USER, { c: customerId, first, last }, { as: AGENT });
  expect(response.data!.createCustomerUser.errors).toEqual([]);
  return response.data!.createCustomerUser.user.id;
}
const assign = async (id: string, user: string, as = AGENT, v?: number) =>
  (await stack.graphql(ASSIGN, { id, user, v }, { as })).data!.assignLicence;

describe('licences on a subscription the customer bought directly (Adventure Works, FULL delegated admin)', () => {
  const direct = DEMO.subscriptions.adventureWorksDirectE3;

  it('a FULL agent assigns and unassigns; helpdesk and sales are refused; Fabrikam gets NOT_FOUND', async () => {
    const user = await createUser(DEMO.customers.adventureWorks, 'Léa', 'Roux');
    const before = await read(direct);
    const assigned = await assign(direct, user);
    expect(assigned).toMatchObject({
      errors: [],
      subscription: { assignedLicences: before.assignedLicences + 1, version: before.version + 1 },
    });
    expect(assigned.subscription.licenceAssignments).toContainEqual({ userId: user });

    for (const who of [HELPDESK, SALES]) {
      expect((await stack.graphql(UNASSIGN, { id: direct, user }, { as: who })).errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
      expect((await stack.graphql(ASSIGN, { id: direct, user }, { as: who })).errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
    }
    // Another partner's subscription answers exactly like an unknown one.
    const fabrikam = (await stack.graphql(UNASSIGN, { id: direct, user }, { as: FABRIKAM })).data!.unassignLicence;
    const unknown = (await stack.graphql(UNASSIGN, { id: randomUUID(), user }, { as: FABRIKAM })).data!.unassignLicence;
    expect(fabrikam).toEqual({ subscription: null, errors: [{ code: 'NOT_FOUND', field: 'id' }] });
    expect(unknown).toEqual(fabrikam);
    expect((await read(direct)).assignedLicences).toBe(before.assignedLicences + 1);

    const unassigned = (await stack.graphql(UNASSIGN, { id: direct, user }, { as: ADMIN })).data!.unassignLicence;
    expect(unassigned).toMatchObject({ errors: [], subscription: { assignedLicences: before.assignedLicences } });
  });

  it('takes expectedVersion on assign and unassign: a stale one is VERSION_CONFLICT and changes nothing', async () => {
    const user = await createUser(DEMO.customers.adventureWorks, 'Jules', 'Moreau');
    const before = await read(direct);
    const stale = await assign(direct, user, AGENT, before.version - 1);
    expect(stale).toEqual({ subscription: null, errors: [{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }] });
    expect(await read(direct)).toMatchObject({ version: before.version, assignedLicences: before.assignedLicences });

    const fresh = await assign(direct, user, AGENT, before.version);
    expect(fresh).toMatchObject({ errors: [], subscription: { version: before.version + 1 } });
    const staleUnassign = (await stack.graphql(UNASSIGN, { id: direct, user, v: before.version }, { as: AGENT })).data!.unassignLicence;
    expect(staleUnassign.errors).toEqual([{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }]);
    expect((await read(direct)).licenceAssignments).toContainEqual({ userId: user });
    const unassigned = (await stack.graphql(UNASSIGN, { id: direct, user, v: before.version + 1 }, { as: AGENT })).data!.unassignLicence;
    expect(unassigned).toMatchObject({
      errors: [],
      subscription: { version: before.version + 2, assignedLicences: before.assignedLicences },
    });
  });
});

describe('allowedActions offers only what the mutation accepts', () => {
  it('a trial (25 seats, min = max) offers no quantity change nor auto-renew, and refuses a change', async () => {
    const trial = await addSubscription(DEMO.offers.trialBusinessPremium, 25);
    // It converts to its paid offer instead, and is new enough to cancel.
    expect(trial.allowedActions).toEqual(['SUSPEND', 'CONVERT_TRIAL', 'CANCEL', 'ASSIGN_LICENCE', 'RENEW', 'RENEW_WITH_PRODUCT_KEY']);
    for (const quantity of [24, 26]) {
      expect((await stack.graphql(CHANGE, { id: trial.id, q: quantity }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([
        { code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' },
      ]);
    }
    // The same offer family outside a trial can change.
    const paid = await addSubscription(DEMO.offers.businessPremium, 25);
    expect(paid.allowedActions).toContain('CHANGE_QUANTITY');
    expect((await stack.graphql(CHANGE, { id: paid.id, q: 26 }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([]);
  });
});

describe('deleting a customer user frees its licences; restoring gives them back where seats are free', () => {
  it('frees both licences, then gives back the one with a free seat and names the other', async () => {
    const single = await addSubscription(DEMO.offers.businessStandard, 1);
    const shared = await addSubscription(DEMO.offers.businessStandard, 2);
    const leaving = await createUser(DEMO.customers.northwind, 'Paul', 'Leroy');
    const staying = await createUser(DEMO.customers.northwind, 'Inès', 'Faure');
    for (const [subscription, user] of [
      [single.id, leaving],
      [shared.id, leaving],
      [shared.id, staying],
    ] as const)
      expect((await assign(subscription, user)).errors).toEqual([]);
    expect((await stack.graphql(CHANGE, { id: shared.id, q: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([
      { code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' },
    ]);

    // Refused deletions change nothing: the licences stay.
    expect((await stack.graphql(DELETE_USER, { id: leaving }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.graphql(DELETE_USER, { id: leaving }, { as: FABRIKAM })).data!.deleteCustomerUser).toEqual({
      user: null,
      licencesReleased: [],
      errors: [{ code: 'NOT_FOUND' }],
    });
    const lastAdmin = (await stack.graphql(DELETE_USER, { id: DEMO.customerAdmins.northwind }, { as: AGENT })).data!.deleteCustomerUser;
    expect(lastAdmin.errors).toEqual([{ code: 'VALIDATION_FAILED' }]);
    expect((await read(DEMO.subscriptions.northwindBusinessStandard)).licenceAssignments).toContainEqual({
      userId: DEMO.customerAdmins.northwind,
    });
    expect((await read(single.id)).assignedLicences).toBe(1);
    expect((await read(shared.id)).assignedLicences).toBe(2);

    const deleted = (await stack.graphql(DELETE_USER, { id: leaving }, { as: AGENT })).data!.deleteCustomerUser;
    expect(deleted.errors).toEqual([]);
    expect(deleted.user).toEqual({ id: leaving, deleted: true });
    expect(deleted.licencesReleased.map((sub: { id: string }) => sub.id).sort()).toEqual([single.id, shared.id].sort());
    expect(await read(single.id)).toMatchObject({ assignedLicences: 0, licenceAssignments: [] });
    expect(await read(shared.id)).toMatchObject({ assignedLicences: 1, licenceAssignments: [{ userId: staying }] });
    // Freed, the quantity can go down again; a deleted user cannot be licensed.
    expect((await stack.graphql(CHANGE, { id: shared.id, q: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([]);
    expect((await assign(single.id, leaving)).errors).toEqual([{ code: 'NOT_FOUND', field: 'userId' }]);

    const restored = (await stack.graphql(RESTORE_USER, { id: leaving }, { as: AGENT })).data!.restoreCustomerUser;
    expect(restored).toMatchObject({ errors: [], user: { id: leaving, deleted: false }, licencesRestored: [{ id: single.id }] });
    expect(restored.licencesNotRestored).toEqual([
      { subscription: { id: shared.id }, code: 'NO_AVAILABLE_LICENCES', message: expect.stringContaining('Business Standard') },
    ]);
    expect((await read(single.id)).licenceAssignments).toEqual([{ userId: leaving }]);
    expect((await read(shared.id)).licenceAssignments).toEqual([{ userId: staying }]);
    const history = (await read(single.id)).history.filter((entry: { field: string }) => entry.field === 'licence');
    expect(
      history.map((entry: { action: string; oldValue: string | null; newValue: string | null }) => [
        entry.action,
        entry.oldValue,
        entry.newValue,
      ]),
    ).toEqual([
      ['assignLicence', null, leaving],
      ['deleteCustomerUser', leaving, null],
      ['restoreCustomerUser', null, leaving],
    ]);

    // Deleting and restoring again starts from the new state; nothing is given back twice.
    expect((await stack.graphql(DELETE_USER, { id: leaving }, { as: AGENT })).data!.deleteCustomerUser.licencesReleased).toEqual([
      { id: single.id },
    ]);
    const again = (await stack.graphql(RESTORE_USER, { id: leaving }, { as: AGENT })).data!.restoreCustomerUser;
    expect(again).toMatchObject({ errors: [], licencesRestored: [{ id: single.id }], licencesNotRestored: [] });
  });
});

describe('the internal licence calls of the customer subgraph', () => {
  it('are not in the client API and refuse a gateway-signed (client) context', async () => {
    const RELEASE = `mutation($c: ID!, $u: ID!) { releaseCustomerUserLicences(customerId: $c, userId: $u) { subscriptionIds errors { code } } }`;
    const REINSTATE = `mutation($c: ID!, $u: ID!) { reinstateCustomerUserLicences(customerId: $c, userId: $u) { subscriptionIds errors { code } } }`;
    const variables = { c: DEMO.customers.northwind, u: DEMO.customerAdmins.northwind };
    for (const mutation of [RELEASE, REINSTATE]) {
      expect((await stack.graphql(mutation, variables, { as: AGENT })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const asClient = await stack.subgraphRequest('subscription', mutation, {
        issuer: 'router',
        viewer: await stack.viewerOf(AGENT),
        variables,
      });
      expect(asClient.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await read(DEMO.subscriptions.northwindBusinessStandard)).licenceAssignments).toContainEqual({
      userId: DEMO.customerAdmins.northwind,
    });
  });
});

describe('a LIMITED delegated-admin relationship', () => {
  it('leaves a FULL agent without licence rights on the customer, and allowedActions says so', async () => {
    const SEND = `mutation($c: ID!, $access: DelegatedAdminAccess!) { sendDelegatedAdminOffer(customerId: $c, access: $access) { code errors { code } } }`;
    const limited = (await stack.graphql(SEND, { c: DEMO.customers.adventureWorks, access: 'LIMITED' }, { as: ADMIN })).data!
      .sendDelegatedAdminOffer;
    const signIn = await customerAdminSignIn(stack, DEMO.customerAdmins.adventureWorks);
    const accepted = await stack.graphql(
      `mutation($code: String!, $signIn: CustomerAdminSignInInput!) { acceptDelegatedAdminOffer(code: $code, signIn: $signIn) { errors { code } } }`,
      { code: limited.code, signIn },
    );
    expect(accepted.data!.acceptDelegatedAdminOffer.errors).toEqual([]);
    const relationships = (
      await stack.graphql(
        `query($c: ID) { delegatedAdminRelationships(customerId: $c) { id status access } }`,
        { c: DEMO.customers.adventureWorks },
        { as: ADMIN },
      )
    ).data!.delegatedAdminRelationships;
    const full = relationships.find(
      (relationship: { status: string; access: string }) => relationship.status === 'ACTIVE' && relationship.access === 'FULL',
    );
    expect(
      (
        await stack.graphql(
          `mutation($id: ID!) { terminateDelegatedAdminRelationship(id: $id) { errors { code } } }`,
          { id: full.id },
          { as: ADMIN },
        )
      ).data!.terminateDelegatedAdminRelationship.errors,
    ).toEqual([]);

    const direct = DEMO.subscriptions.adventureWorksDirectE3;
    const before = await read(direct);
    expect(before.allowedActions).toEqual([]);
    const customer = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { hasAdminRights adminAccess } }`,
      { id: DEMO.customers.adventureWorks },
      { as: AGENT },
    );
    expect(customer.data!.customer).toEqual({ hasAdminRights: true, adminAccess: 'LIMITED' });
    const refused = await assign(direct, DEMO.customerAdmins.adventureWorks);
    expect(refused).toEqual({ subscription: null, errors: [{ code: 'NO_ADMIN_RIGHTS', field: 'subscriptionId' }] });
    const refusedUnassign = (await stack.graphql(UNASSIGN, { id: direct, user: DEMO.customerAdmins.adventureWorks }, { as: AGENT })).data!
      .unassignLicence;
    expect(refusedUnassign.errors).toEqual([{ code: 'NO_ADMIN_RIGHTS', field: 'subscriptionId' }]);
    expect(await read(direct)).toMatchObject({ version: before.version, assignedLicences: before.assignedLicences });
  });
});
