import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from './stack.js';

// The program rules (docs/api.md, "Who may do what"), end to end: the partner's programs come from the partner
// directory into the viewer context (cached ≤ 30 s, on the test clock), and each subgraph enforces them.
const AGENT = DEMO.users.contosoAgent.email; // FULL customer access
const VIEWER_CACHE_MS = 30_001;

const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input, idempotencyKey: "programs-1") { customer { id } errors { code } } }`;
const ADD_SUBSCRIPTION = `mutation($c: ID!, $o: ID!) { addSubscription(customerId: $c, offerId: $o, quantity: 1, dryRun: true) { subscription { quantity } errors { code } } }`;
const CHANGE_QUANTITY = `mutation($id: ID!) { changeSubscriptionQuantity(id: $id, quantity: 11, dryRun: true) { subscription { quantity } errors { code } } }`;
const SEND_DELEGATED_ADMIN = `mutation($c: ID!) { sendDelegatedAdminOffer(customerId: $c, access: FULL) { code errors { code } } }`;
const TRIAL = `mutation($o: ID!, $da: Boolean!) { createTrialInvitation(offerId: $o, includeDelegatedAdmin: $da) { trialInvitation { id } errors { code } } }`;
const ORDER_KEYS = `mutation($o: ID!) { orderProductKeys(offerId: $o, count: 1) { keys { key } errors { code } } }`;

const customerInput = {
  companyName: 'Programme Test',
  domainPrefix: 'programmetest',
  country: 'FR',
  addressLine1: '1 rue des Programmes',
  city: 'Nantes',
  postalCode: '44000',
  contactFirstName: 'Paul',
  contactLastName: 'Martin',
  contactEmail: 'paul@programme.example',
  contactPhone: '+33 2 40 00 00 00',
  subscription: { offerId: DEMO.offers.businessStandard, quantity: 3 },
};

const attempts: [string, string, Record<string, unknown>, string[]][] = [
  ['createCustomer', CREATE_CUSTOMER, { input: customerInput }, ['RESELLER']],
  ['addSubscription', ADD_SUBSCRIPTION, { c: DEMO.customers.northwind, o: DEMO.offers.e3 }, ['RESELLER']],
  ['changeSubscriptionQuantity', CHANGE_QUANTITY, { id: DEMO.subscriptions.northwindBusinessStandard }, ['RESELLER']],
  ['sendDelegatedAdminOffer', SEND_DELEGATED_ADMIN, { c: DEMO.customers.northwind }, ['DELEGATED_ADMIN', 'CLOUD_ESSENTIALS']],
  ['createTrialInvitation', TRIAL, { o: DEMO.offers.trialE3, da: false }, ['SUBSCRIPTION_ADVISOR']],
  ['createTrialInvitation', TRIAL, { o: DEMO.offers.trialE3, da: true }, ['SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS']],
  ['orderProductKeys', ORDER_KEYS, { o: DEMO.offers.businessStandard }, ['SUBSCRIPTION_ADVISOR']],
];
const ALL = ['RESELLER', 'SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function setContosoPrograms(programs: string[]): Promise<void> {
  await stack.subgraphs.partner.db.query('UPDATE partner SET programs = $2 WHERE id = $1', [DEMO.partners.contoso, programs]);
  stack.clock.advance(VIEWER_CACHE_MS); // past the gateway's viewer cache
}

describe('partner programs', () => {
  it.each(attempts.map(([field, query, variables, needed]) => [field, needed, query, variables] as const))(
    '%s needs %j: refused without each of them, allowed with all',
    async (field, needed, query, variables) => {
      for (const missing of needed) {
        await setContosoPrograms(ALL.filter((program) => program !== missing));
        const refused = await stack.graphql(query, variables, { as: AGENT });
        expect(refused.errors?.[0]?.extensions?.code, `${field} without ${missing}`).toBe('FORBIDDEN');
        expect(refused.data?.[field] ?? null).toBeNull();
      }
      await setContosoPrograms(ALL);
      const allowed = await stack.graphql(query, variables, { as: AGENT });
      expect(allowed.errors, field).toBeUndefined();
      expect(allowed.data![field].errors).toEqual([]);
    },
  );
});
