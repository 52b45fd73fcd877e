import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, DEMO, signCustomerAccess } from '@partner-graph/platform';
import { SECRET, startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { Subscription } from '../src/db/index.js';
import { SubscriptionLifecycle } from '../src/domain/lifecycle.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';

const FIELDS =
  'id quantity status channel version autoRenew assignedLicences availableLicences allowedActions friendlyName partnerOnRecord { id } customer { id } offer { id name }';
const ADD = `mutation($customerId: ID!, $offerId: ID!, $quantity: Int!, $key: String, $dryRun: Boolean) {
  addSubscription(customerId: $customerId, offerId: $offerId, quantity: $quantity, idempotencyKey: $key, dryRun: $dryRun) { dryRun subscription { ${FIELDS} } errors { code field } } }`;
const CHANGE = `mutation($id: ID!, $quantity: Int!, $v: Int, $dryRun: Boolean) {
  changeSubscriptionQuantity(id: $id, quantity: $quantity, expectedVersion: $v, dryRun: $dryRun) { dryRun subscription { ${FIELDS} } errors { code field } } }`;
const SUSPEND = `mutation($id: ID!, $v: Int) { suspendSubscription(id: $id, expectedVersion: $v) { subscription { ${FIELDS} } errors { code } } }`;
const ACTIVATE = `mutation($id: ID!, $v: Int) { activateSubscription(id: $id, expectedVersion: $v) { subscription { ${FIELDS} } errors { code } } }`;
const AUTO_RENEW = `mutation($id: ID!, $enabled: Boolean!, $v: Int) { setSubscriptionAutoRenew(id: $id, enabled: $enabled, expectedVersion: $v) { subscription { ${FIELDS} } errors { code } } }`;
const ASSIGN = `mutation($id: ID!, $user: ID!, $v: Int) { assignLicence(subscriptionId: $id, userId: $user, expectedVersion: $v) { subscription { ${FIELDS} } errors { code field } } }`;
const UNASSIGN = `mutation($id: ID!, $user: ID!, $v: Int) { unassignLicence(subscriptionId: $id, userId: $user, expectedVersion: $v) { subscription { ${FIELDS} } errors { code field } } }`;
const READ = `query($id: ID!) { subscription(id: $id) { ${FIELDS} history { action field oldValue newValue actorKind changedBy { id } } } }`;

let stack: Stack;
beforeAll(async () => {
  // This file counts what each read costs the subgraphs: the gateway's answer cache (tested in
  // test/answer-cache.e2e.ts) would answer a repeated read with no statement at all.
  stack = await startStack({ gatewayEnv: { GATEWAY_ANSWER_CACHE_MB: '0' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function add(as: string, vars: { customerId?: string; offerId?: string; quantity?: number; key?: string; dryRun?: boolean } = {}) {
  const response = await stack.graphql(
    ADD,
    { customerId: DEMO.customers.northwind, offerId: DEMO.offers.businessStandard, quantity: 10, ...vars },
    { as },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.addSubscription;
}
async function newSubscription(quantity = 10) {
  const added = await add(AGENT, { quantity, key: randomUUID() });
  expect(added.errors).toEqual([]);
  return added.subscription;
}
const subscriptionCount = () => stack.subgraphs.subscription.db.getRepository(Subscription).count();

describe("the reseller flow of issue 5, as Contoso's agent", () => {
  it('adds, changes with versions, suspends, activates, and refuses 400 seats', async () => {
    const before = await subscriptionCount();
    const preview = await add(AGENT, { dryRun: true });
    expect(preview).toMatchObject({
      dryRun: true,
      errors: [],
      subscription: { quantity: 10, status: 'ACTIVE', channel: 'RESELLER', friendlyName: 'Microsoft 365 Business Standard' },
    });
    expect(await subscriptionCount()).toBe(before);

    const key = randomUUID();
    const added = await add(AGENT, { key });
    expect(added.errors).toEqual([]);
    const sub = added.subscription;
    expect(sub).toMatchObject({
      quantity: 10,
      status: 'ACTIVE',
      channel: 'RESELLER',
      version: 1,
      autoRenew: true,
      assignedLicences: 0,
      availableLicences: 10,
      partnerOnRecord: { id: DEMO.partners.contoso },
      customer: { id: DEMO.customers.northwind },
      offer: { id: DEMO.offers.businessStandard, name: 'Microsoft 365 Business Standard' },
    });
    expect(sub.allowedActions).toEqual(expect.arrayContaining(['CHANGE_QUANTITY', 'SUSPEND', 'SET_AUTO_RENEW', 'ASSIGN_LICENCE']));
    // A retry with the same key returns the first result and creates nothing.
    expect((await add(AGENT, { key })).subscription.id).toBe(sub.id);
    expect(await subscriptionCount()).toBe(before + 1);

    const dry = (await stack.graphql(CHANGE, { id: sub.id, quantity: 12, v: 1, dryRun: true }, { as: AGENT })).data!
      .changeSubscriptionQuantity;
    expect(dry).toMatchObject({ dryRun: true, errors: [], subscription: { quantity: 12, version: 1 } });
    const changed = (await stack.graphql(CHANGE, { id: sub.id, quantity: 12, v: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity;
    expect(changed).toMatchObject({ errors: [], subscription: { quantity: 12, version: 2 } });
    const stale = (await stack.graphql(CHANGE, { id: sub.id, quantity: 15, v: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity;
    expect(stale).toMatchObject({ subscription: null, errors: [{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }] });

    const suspended = (await stack.graphql(SUSPEND, { id: sub.id, v: 2 }, { as: AGENT })).data!.suspendSubscription;
    expect(suspended).toMatchObject({
      errors: [],
      subscription: { status: 'SUSPENDED', version: 3, allowedActions: ['ACTIVATE', 'SET_AUTO_RENEW', 'CANCEL', 'RENEW_WITH_PRODUCT_KEY'] },
    });
    const whileSuspended = (await stack.graphql(CHANGE, { id: sub.id, quantity: 11 }, { as: AGENT })).data!.changeSubscriptionQuantity;
    expect(whileSuspended.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    const activated = (await stack.graphql(ACTIVATE, { id: sub.id, v: 3 }, { as: AGENT })).data!.activateSubscription;
    expect(activated).toMatchObject({ errors: [], subscription: { status: 'ACTIVE', version: 4 } });
    expect((await stack.graphql(ACTIVATE, { id: sub.id }, { as: AGENT })).data!.activateSubscription.errors).toEqual([
      { code: 'INVALID_STATUS_TRANSITION' },
    ]);

    const tooMany = (await stack.graphql(CHANGE, { id: sub.id, quantity: 400, v: 4 }, { as: AGENT })).data!.changeSubscriptionQuantity;
    expect(tooMany.errors).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    const autoRenew = (await stack.graphql(AUTO_RENEW, { id: sub.id, enabled: false, v: 4 }, { as: AGENT })).data!.setSubscriptionAutoRenew;
    expect(autoRenew).toMatchObject({ errors: [], subscription: { autoRenew: false, version: 5 } });

    const read = (await stack.graphql(READ, { id: sub.id }, { as: AGENT })).data!.subscription;
    expect(read).toMatchObject({ quantity: 12, status: 'ACTIVE', version: 5 });
    const changes = read.history.map(
      (entry: { action: string; field: string; oldValue: string | null; newValue: string }) =>
        `${entry.action}:${entry.field}:${entry.oldValue}→${entry.newValue}`,
    );
    expect(changes).toEqual([
      'addSubscription:status:null→ACTIVE',
      'addSubscription:quantity:null→10',
      'changeSubscriptionQuantity:quantity:10→12',
      'suspendSubscription:status:ACTIVE→SUSPENDED',
      'activateSubscription:status:SUSPENDED→ACTIVE',
      'setSubscriptionAutoRenew:autoRenew:true→false',
    ]);
    expect(read.history[2]).toMatchObject({ actorKind: 'PARTNER_USER', changedBy: { id: DEMO.users.contosoAgent.id } });
    // Every change is audited in the same transaction.
    const audits: { operation: string }[] = await stack.subgraphs.subscription.db.query(
      'SELECT operation FROM audit_record WHERE resource_id = $1 ORDER BY occurred_at',
      [sub.id],
    );
    expect(audits.map((audit) => audit.operation)).toEqual([
      'addSubscription',
      'changeSubscriptionQuantity',
      'suspendSubscription',
      'activateSubscription',
      'setSubscriptionAutoRenew',
    ]);
  });

  it('checks the offer: visibility, its maximum and add-on prerequisites', async () => {
    // The range itself is a rule (test/rules.test.ts); here the offer subgraph's bounds reach it.
    expect((await add(AGENT, { quantity: 301 })).errors).toEqual([{ code: 'QUANTITY_OUT_OF_RANGE', field: 'quantity' }]);
    expect((await add(AGENT, { offerId: randomUUID() })).errors).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    // Fabrikam may sell only the Business offers.
    const e3 = await add(FABRIKAM, { customerId: DEMO.customers.alpineSkiHouse, offerId: DEMO.offers.e3, quantity: 5 });
    expect(e3.errors).toEqual([{ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }]);
    const archiving = await add(AGENT, { offerId: DEMO.offers.exchangeArchiving, quantity: 5, key: randomUUID() });
    expect(archiving.errors).toEqual([{ code: 'PREREQUISITE_MISSING', field: 'offerId' }]);
    expect((await add(AGENT, { offerId: DEMO.offers.exchangePlan1, quantity: 5, key: randomUUID() })).errors).toEqual([]);
    expect((await add(AGENT, { offerId: DEMO.offers.exchangeArchiving, quantity: 5, key: randomUUID() })).errors).toEqual([]);
  });
});

describe('manageability and authorisation (docs/api.md, "Who may do what")', () => {
  it('shows the direct purchase on the customer and refuses every management change, but not licences', async () => {
    const id = DEMO.subscriptions.adventureWorksDirectE3;
    const listed = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { subscriptions { id channel allowedActions partnerOnRecord { id } } } }`,
      { id: DEMO.customers.adventureWorks },
      { as: AGENT },
    );
    expect(listed.errors).toBeUndefined();
    // Licences are an admin action in the tenant (FULL delegated admin); the rest is view-only.
    expect(listed.data!.customer.subscriptions).toEqual([
      { id, channel: 'DIRECT', allowedActions: ['ASSIGN_LICENCE', 'UNASSIGN_LICENCE'], partnerOnRecord: null },
    ]);
    const attempts = [
      (await stack.graphql(CHANGE, { id, quantity: 51 }, { as: AGENT })).data!.changeSubscriptionQuantity,
      (await stack.graphql(SUSPEND, { id }, { as: AGENT })).data!.suspendSubscription,
      (await stack.graphql(ACTIVATE, { id }, { as: AGENT })).data!.activateSubscription,
      (await stack.graphql(AUTO_RENEW, { id, enabled: false }, { as: AGENT })).data!.setSubscriptionAutoRenew,
      (await stack.graphql(`mutation($id: ID!) { renewSubscriptionWithDirectBilling(id: $id) { errors { code } } }`, { id }, { as: AGENT }))
        .data!.renewSubscriptionWithDirectBilling,
    ];
    for (const attempt of attempts)
      expect(attempt.errors.map((error: { code: string }) => error.code)).toEqual(['SUBSCRIPTION_NOT_MANAGEABLE']);
    const row = await stack.subgraphs.subscription.db.getRepository(Subscription).findOneByOrFail({ id });
    expect(row).toMatchObject({ quantity: 50, status: 'ACTIVE', version: 1, autoRenew: true });
  });

  it('lets FULL + RESELLER change (admin and agent), helpdesk read only, sales nothing', async () => {
    const sub = await newSubscription();
    const adminChange = (await stack.graphql(CHANGE, { id: sub.id, quantity: 11 }, { as: ADMIN })).data!.changeSubscriptionQuantity;
    expect(adminChange).toMatchObject({ errors: [], subscription: { quantity: 11 } });

    const helpdeskRead = await stack.graphql(READ, { id: sub.id }, { as: HELPDESK });
    expect(helpdeskRead.data!.subscription).toMatchObject({ id: sub.id, quantity: 11, allowedActions: [] });
    for (const [query, vars] of [
      [CHANGE, { id: sub.id, quantity: 12 }],
      [SUSPEND, { id: sub.id }],
      [AUTO_RENEW, { id: sub.id, enabled: false }],
      [ADD, { customerId: DEMO.customers.northwind, offerId: DEMO.offers.businessStandard, quantity: 1 }],
      [ASSIGN, { id: sub.id, user: DEMO.customerAdmins.northwind }],
    ] as const) {
      for (const who of [HELPDESK, SALES]) {
        const refused = await stack.graphql(query, vars, { as: who });
        expect(refused.errors?.[0]?.extensions?.code, `${who} ${query.slice(0, 40)}`).toBe('FORBIDDEN');
      }
    }
    const salesRead = await stack.graphql(READ, { id: sub.id }, { as: SALES });
    expect(salesRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(salesRead.data?.subscription ?? null).toBeNull();
    expect((await stack.graphql(READ, { id: sub.id }, { as: AGENT })).data!.subscription.quantity).toBe(11);
  });

  it("hides Contoso's subscriptions from Fabrikam exactly like unknown ids", async () => {
    const sub = await newSubscription();
    expect((await stack.graphql(READ, { id: sub.id }, { as: FABRIKAM })).data!.subscription).toBeNull();
    expect((await stack.graphql(READ, { id: randomUUID() }, { as: AGENT })).data!.subscription).toBeNull();
    expect((await stack.graphql(READ, { id: 'not-a-uuid' }, { as: AGENT })).data!.subscription).toBeNull();
    const fabrikamChange = (await stack.graphql(CHANGE, { id: sub.id, quantity: 12 }, { as: FABRIKAM })).data!.changeSubscriptionQuantity;
    expect(fabrikamChange.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    const unknownChange = (await stack.graphql(CHANGE, { id: randomUUID(), quantity: 12 }, { as: FABRIKAM })).data!
      .changeSubscriptionQuantity;
    expect(unknownChange.errors).toEqual(fabrikamChange.errors);
    const fabrikamAdd = await add(FABRIKAM, { customerId: DEMO.customers.northwind, quantity: 1 });
    expect(fabrikamAdd.errors).toEqual([{ code: 'NOT_FOUND', field: 'customerId' }]);
    expect((await stack.graphql(SUSPEND, { id: sub.id }, { as: FABRIKAM })).data!.suspendSubscription.errors).toEqual([
      { code: 'NOT_FOUND' },
    ]);
    // Fabrikam sees and manages its own customer's subscription; Contoso does not see it.
    const alpine = (await stack.graphql(READ, { id: DEMO.subscriptions.alpineBusinessBasic }, { as: FABRIKAM })).data!.subscription;
    expect(alpine).toMatchObject({ channel: 'RESELLER', partnerOnRecord: { id: DEMO.partners.fabrikam } });
    expect(alpine.allowedActions).toContain('CHANGE_QUANTITY');
    expect((await stack.graphql(READ, { id: DEMO.subscriptions.alpineBusinessBasic }, { as: AGENT })).data!.subscription).toBeNull();
  });
});

describe("a customer's subscriptions", () => {
  const LIST = (fields: string) => `query { customers(first: 50) { edges { node { id ${fields} } } } }`;

  it('read with the access facts the customer subgraph answered for the viewer, asking it nothing more', async () => {
    const customerQueries = async (fields: string) => {
      const before = stack.subgraphs.customer.queries.count;
      const response = await stack.graphql(LIST(fields), {}, { as: AGENT });
      expect(response.errors).toBeUndefined();
      return { queries: stack.subgraphs.customer.queries.count - before, edges: response.data!.customers.edges };
    };
    await customerQueries('subscriptions { id }');
    const withSubscriptions = await customerQueries('subscriptions { id allowedActions }');
    const without = await customerQueries('');
    expect(withSubscriptions.queries).toBe(without.queries);
    const northwind = withSubscriptions.edges.find((edge: { node: { id: string } }) => edge.node.id === DEMO.customers.northwind).node;
    expect(northwind.subscriptions.length).toBeGreaterThan(0);
    expect(northwind.subscriptions[0].allowedActions).toContain('CHANGE_QUANTITY');
  });

  it("are none without a genuine grant for the viewer's partner and that customer, or for another partner's customer", async () => {
    const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { subscriptions { id } } } }`;
    const viewer = await stack.viewerOf(AGENT);
    const access = (customerId: string) => ({
      customerId,
      country: 'FR',
      provisioningState: 'ACTIVE' as const,
      relationship: 'RESELLER' as const,
      hasAdminRights: true,
      adminAccess: 'FULL' as const,
    });
    const grant = (options: { customerId?: string; partnerId?: string; secret?: string; at?: Date } = {}) =>
      signCustomerAccess(
        access(options.customerId ?? DEMO.customers.northwind),
        options.partnerId ?? DEMO.partners.contoso,
        options.secret ?? SECRET,
        options.at ?? stack.clock.now(),
      );
    const northwind = (accessGrant?: string) => ({
      __typename: 'Customer',
      id: DEMO.customers.northwind,
      ...(accessGrant === undefined ? {} : { accessGrant }),
    });
    const response = await stack.subgraphRequest('subscription', ENTITIES, {
      viewer,
      variables: {
        representations: [
          northwind(grant()),
          northwind(),
          northwind('made-up'),
          northwind(grant({ secret: 'not-the-shared-secret-but-long-enough-0000' })),
          northwind(grant({ partnerId: DEMO.partners.fabrikam })),
          northwind(grant({ customerId: DEMO.customers.alpineSkiHouse })),
          northwind(grant({ at: new Date(stack.clock.now().getTime() - 61_000) })),
        ],
      },
    });
    expect(response.errors).toBeUndefined();
    const [genuine, ...refused] = response.data!._entities.map((entity: { subscriptions: unknown[] }) => entity.subscriptions.length);
    expect(genuine).toBeGreaterThan(0);
    expect(refused).toEqual([0, 0, 0, 0, 0, 0]);
    // Through the gateway the customer subgraph answers for the viewer: Alpine Ski House is Fabrikam's.
    const alpine = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { subscriptions { id } } }`,
      { id: DEMO.customers.alpineSkiHouse },
      { as: AGENT },
    );
    expect(alpine.data!.customer).toBeNull();
    const notice = await stack.graphql(
      `query($id: ID!) { subscription(id: $id) { customer { subscriptions { id } } } }`,
      { id: DEMO.subscriptions.alpineBusinessBasic },
      { as: FABRIKAM },
    );
    expect(notice.data!.subscription.customer.subscriptions.map((sub: { id: string }) => sub.id)).toContain(
      DEMO.subscriptions.alpineBusinessBasic,
    );
  });
});

describe('licences and concurrency', () => {
  const northwindUsers = async (): Promise<string[]> => {
    const response = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { users { id } } }`,
      { id: DEMO.customers.northwind },
      { as: AGENT },
    );
    return response.data!.customer.users.map((user: { id: string }) => user.id);
  };

  it("assigns licences to the customer's users only, never above the quantity nor the quantity below them", async () => {
    const users = await northwindUsers();
    expect(users.length).toBeGreaterThanOrEqual(3);
    const sub = await newSubscription(2);
    const results = await Promise.all(users.map((user) => stack.graphql(ASSIGN, { id: sub.id, user }, { as: AGENT })));
    const codes = results.map((result) => result.data!.assignLicence.errors[0]?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(2);
    expect(codes.filter((code) => code !== 'OK').every((code) => code === 'NO_AVAILABLE_LICENCES')).toBe(true);
    const read = (await stack.graphql(READ, { id: sub.id }, { as: AGENT })).data!.subscription;
    expect(read).toMatchObject({ assignedLicences: 2, availableLicences: 0 });
    // Full: no licence to assign, and no quantity below the two assigned (a new subscription: still within the cancellation window).
    expect(read.allowedActions).toEqual([
      'CHANGE_QUANTITY',
      'SUSPEND',
      'SET_AUTO_RENEW',
      'UPGRADE',
      'CANCEL',
      'SCHEDULE_CHANGE',
      'UNASSIGN_LICENCE',
      'RENEW_WITH_PRODUCT_KEY',
    ]);

    expect((await stack.graphql(CHANGE, { id: sub.id, quantity: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([
      { code: 'BELOW_ASSIGNED_LICENCES', field: 'quantity' },
    ]);
    // A user of another customer, or an unknown one, is not found.
    expect(
      (await stack.graphql(ASSIGN, { id: sub.id, user: DEMO.customerAdmins.alpineSkiHouse }, { as: AGENT })).data!.assignLicence.errors,
    ).toEqual([{ code: 'NOT_FOUND', field: 'userId' }]);
    expect((await stack.graphql(ASSIGN, { id: sub.id, user: randomUUID() }, { as: AGENT })).data!.assignLicence.errors).toEqual([
      { code: 'NOT_FOUND', field: 'userId' },
    ]);
    const assigned = codes.map((code, index) => (code === 'OK' ? users[index]! : null)).filter((user): user is string => user !== null);
    const unassigned = (await stack.graphql(UNASSIGN, { id: sub.id, user: assigned[0] }, { as: AGENT })).data!.unassignLicence;
    expect(unassigned).toMatchObject({ errors: [], subscription: { assignedLicences: 1, availableLicences: 1 } });
    expect((await stack.graphql(CHANGE, { id: sub.id, quantity: 1 }, { as: AGENT })).data!.changeSubscriptionQuantity.errors).toEqual([]);
    // Licence rules are FULL-only: helpdesk is refused; Fabrikam cannot see it.
    expect((await stack.graphql(UNASSIGN, { id: sub.id, user: assigned[1] }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await stack.graphql(UNASSIGN, { id: sub.id, user: assigned[1] }, { as: FABRIKAM })).data!.unassignLicence.errors).toEqual([
      { code: 'NOT_FOUND', field: 'id' },
    ]);
  });

  it('loses none of 50 concurrent quantity changes, and lets one of 50 same-version changes win', async () => {
    const sub = await newSubscription(10);
    const quantities = Array.from({ length: 50 }, (_, index) => 20 + index);
    const results = await Promise.all(quantities.map((quantity) => stack.graphql(CHANGE, { id: sub.id, quantity }, { as: AGENT })));
    expect(results.every((result) => result.data?.changeSubscriptionQuantity.errors.length === 0)).toBe(true);
    const read = (await stack.graphql(READ, { id: sub.id }, { as: AGENT })).data!.subscription;
    expect(read.version).toBe(51);
    const changes = read.history.filter((entry: { action: string }) => entry.action === 'changeSubscriptionQuantity');
    expect(changes).toHaveLength(50);
    // The changes form one chain: each starts from the previous one's result.
    for (let index = 1; index < changes.length; index++) expect(changes[index].oldValue).toBe(changes[index - 1].newValue);
    expect(String(read.quantity)).toBe(changes.at(-1).newValue);

    const raced = await Promise.all(quantities.map((quantity) => stack.graphql(CHANGE, { id: sub.id, quantity, v: 51 }, { as: AGENT })));
    const codes = raced.map((result) => result.data!.changeSubscriptionQuantity.errors[0]?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'VERSION_CONFLICT')).toHaveLength(49);
    expect((await stack.graphql(READ, { id: sub.id }, { as: AGENT })).data!.subscription.version).toBe(52);
  });
});

describe('SQL statements per request (N+1)', () => {
  it('costs the same for a customer with 1 subscription as with 50, in every subgraph', async () => {
    const QUERY = `query($id: ID!) { customer(id: $id) { companyName subscriptions { id quantity assignedLicences availableLicences allowedActions partnerOnRecord { id } offer { id name } history { action changedBy { id } } licenceAssignments { userId } renewedFrom { id } scheduledChange { quantity offer { id name } effectiveDate } } } }`;
    const measure = async () => {
      const before = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, running]) => [name, running.queries.count]));
      const response = await stack.graphql(QUERY, { id: DEMO.customers.alpineSkiHouse }, { as: FABRIKAM });
      expect(response.errors).toBeUndefined();
      const counts = Object.fromEntries(
        Object.entries(stack.subgraphs).map(([name, running]) => [name, running.queries.count - before[name]!]),
      );
      return { counts, subscriptions: response.data!.customer.subscriptions.length as number };
    };
    await measure();
    const one = await measure();
    expect(one.subscriptions).toBe(1);
    for (let index = 0; index < 49; index++) {
      const added = await add(FABRIKAM, {
        customerId: DEMO.customers.alpineSkiHouse,
        offerId: DEMO.offers.businessBasic,
        quantity: 1,
        key: randomUUID(),
      });
      expect(added.errors).toEqual([]);
    }
    const fifty = await measure();
    expect(fifty.subscriptions).toBe(50);
    expect(fifty.counts).toEqual(one.counts);
  });
});

const READ_TERM = `query($id: ID!) { subscription(id: $id) { id status version endDate allowedActions assignedLicences channel renewedFrom { id } replacedBy { id } } }`;
const NOTICES = `query($after: String) { renewalNotices(first: 2, after: $after) { edges { node { daysBefore recipients endDate subscription { id } customer { id } } } pageInfo { hasNextPage endCursor } } }`;
const RENEW = `mutation($id: ID!, $v: Int) { renewSubscriptionWithDirectBilling(id: $id, expectedVersion: $v) { subscription { id status channel autoRenew allowedActions assignedLicences renewedFrom { id } } previous { id status replacedBy { id } } errors { code } } }`;

async function allNotices(as: string) {
  const nodes: { daysBefore: number; recipients: string[]; subscription: { id: string } | null }[] = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse = await stack.graphql(NOTICES, { after }, { as });
    expect(response.errors).toBeUndefined();
    const page: { edges: { node: (typeof nodes)[number] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
      response.data!.renewalNotices;
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

// Last in this file: the expiry lifecycle moves the clock five weeks on.
describe('the demo subscription ending within 7 days, through the gateway', () => {
  const id = DEMO.subscriptions.northwindE3Ending;
  let lifecycle: SubscriptionLifecycle;
  beforeAll(() => {
    lifecycle = new SubscriptionLifecycle(stack.subgraphs.subscription.db, stack.clock);
  });
  // Earlier tests in this file leave other subscriptions without auto-renewal: only this one's notices count.
  const noticesOfIt = async (as: string) => (await allNotices(as)).filter((notice) => notice.subscription?.id === id);

  it('gets exactly four notices, then EXPIRED, DISABLED, renewed with direct billing', async () => {
    const { endDate } = (await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription;
    const end = new Date(endDate);
    // Late (5 days before the end): the 60/30/7-day notices are caught up, once.
    await Promise.all([lifecycle.runLifecycle(stack.clock.now()), lifecycle.runLifecycle(stack.clock.now())]);
    expect((await noticesOfIt(AGENT)).map((notice) => notice.daysBefore).sort((a, b) => a - b)).toEqual([7, 30, 60]);
    stack.clock.set(addDays(end, -1));
    await lifecycle.runLifecycle(stack.clock.now());
    const notices = await noticesOfIt(AGENT);
    expect(notices.map((notice) => notice.daysBefore).sort((a, b) => a - b)).toEqual([1, 7, 30, 60]);
    expect(
      notices.every((notice) => notice.subscription?.id === id && notice.recipients.join() === 'CUSTOMER_CONTACT,PARTNER_ON_RECORD'),
    ).toBe(true);
    expect(await noticesOfIt(HELPDESK)).toHaveLength(4);
    expect(await allNotices(FABRIKAM)).toHaveLength(0);
    expect((await stack.graphql(NOTICES, {}, { as: SALES })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    stack.clock.set(end);
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription).toMatchObject({
      status: 'EXPIRED',
      allowedActions: ['RENEW', 'RENEW_WITH_PRODUCT_KEY'],
    });
    stack.clock.set(addDays(end, 30));
    await lifecycle.runLifecycle(stack.clock.now());
    expect((await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription.status).toBe('DISABLED');
    expect(await noticesOfIt(AGENT)).toHaveLength(4);

    // Only the partner on record renews: Fabrikam cannot see it, helpdesk is not FULL.
    expect((await stack.graphql(RENEW, { id }, { as: FABRIKAM })).data!.renewSubscriptionWithDirectBilling.errors).toEqual([
      { code: 'NOT_FOUND' },
    ]);
    expect((await stack.graphql(RENEW, { id }, { as: HELPDESK })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A stale version is refused and changes nothing.
    const disabled = (await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription;
    const stale = (await stack.graphql(RENEW, { id, v: disabled.version - 1 }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling;
    expect(stale).toEqual({ subscription: null, previous: null, errors: [{ code: 'VERSION_CONFLICT' }] });
    expect((await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription).toMatchObject({
      status: 'DISABLED',
      version: disabled.version,
    });
    const renewed = (await stack.graphql(RENEW, { id, v: disabled.version }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling;
    // REPLACED, not DELETED: told apart from a deprovisioned subscription; its licences moved, and the new one's stay the customer's to assign.
    expect(renewed).toMatchObject({
      errors: [],
      previous: { id, status: 'REPLACED', replacedBy: { id: renewed.subscription.id } },
      subscription: { status: 'ACTIVE', channel: 'DIRECT', autoRenew: true, allowedActions: ['ASSIGN_LICENCE'], renewedFrom: { id } },
    });
    expect((await stack.graphql(READ_TERM, { id }, { as: AGENT })).data!.subscription).toMatchObject({
      status: 'REPLACED',
      allowedActions: [],
      assignedLicences: 0,
    });
    // Renewing twice creates nothing more.
    expect((await stack.graphql(RENEW, { id }, { as: AGENT })).data!.renewSubscriptionWithDirectBilling.errors).toEqual([
      { code: 'INVALID_STATUS_TRANSITION' },
    ]);
    const listed = await stack.graphql(
      `query($id: ID!) { customer(id: $id) { subscriptions { id status channel } } }`,
      { id: DEMO.customers.northwind },
      { as: AGENT },
    );
    expect(listed.data!.customer.subscriptions.filter((sub: { channel: string }) => sub.channel === 'DIRECT')).toEqual([
      { id: renewed.subscription.id, status: 'ACTIVE', channel: 'DIRECT' },
    ]);
  });

  // Renewal terms, catch-up and the walk to DELETED are rules (test/rules.test.ts) and the
  // lifecycle job's (test/lifecycle.test.ts, the subscription subgraph alone).
});
