import { describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { chromiumMissing, poll, requireChromiumInCi } from './browser.js';
import { choose, orderedKeys, useDashboard } from './helpers.js';

// Product keys and partner administration in Chromium, against the whole federation with the
// demo data and only the build's persisted documents, as `npm start` serves the dashboard.
const { contosoAdmin, contosoAgent, contosoHelpdesk, contosoSales, fabrikamAdmin } = DEMO.users;

requireChromiumInCi();

const dashboard = useDashboard();
const { signIn, signOut } = dashboard;

/** The partner subgraph behind the browser's back (the gateway runs only the dashboard's documents). */
async function partnerApi(query: string, variables: Record<string, unknown>, email: string) {
  return dashboard.stack.subgraphRequest('partner', query, { viewer: await dashboard.stack.viewerOf(email), variables });
}

describe.skipIf(chromiumMissing)('product keys and partner administration in Chromium', () => {
  it('orders two product keys and redeems them, through the review step, into a new customer that reaches ACTIVE', async () => {
    const page = await signIn(contosoAdmin.email, '/customers');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Product keys' }).click();
    await page.getByRole('button', { name: 'Order product keys' }).click();
    const order = page.getByRole('dialog', { name: 'Order product keys' });
    await choose(order.getByRole('combobox', { name: 'Offer' }), 'Microsoft 365 Business Basic');
    await order.getByRole('textbox', { name: 'Number of keys' }).fill('2');
    await order.getByRole('textbox', { name: 'Seats per key' }).fill('3');
    await order.getByRole('button', { name: 'Order keys' }).click();

    const { dialog: ordered, keys } = await orderedKeys(page, 2);
    for (const key of keys) expect(key).toMatch(/^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/);
    await ordered.getByRole('button', { name: 'I have kept them' }).click();
    // Listed by their last five characters only, never in full.
    const list = page.getByRole('table', { name: 'Product keys' });
    for (const key of keys) await poll(() => list.getByLabel(`Key ending ${key.slice(-5)}`, { exact: true }).isVisible()).toBe(true);
    expect(await list.textContent()).not.toContain(keys[0]);

    await page.getByRole('link', { name: 'Redeem product keys' }).click();
    // As a person may paste them: one lower case without hyphens, both on one line.
    await page.getByRole('textbox', { name: 'Product keys' }).fill(`${keys[0]!.replaceAll('-', '').toLowerCase()}, ${keys[1]}`);
    await page.getByRole('button', { name: 'Review keys' }).click();
    const review = page.getByRole('table', { name: 'Keys to redeem' });
    await poll(() => review.getByText('Valid', { exact: true }).count()).toBe(2);
    expect(await page.getByText('Microsoft 365 Business Basic: 6 licences in one new subscription.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('textbox', { name: 'Company name' }).fill('Tailspin Toys');
    await choose(page.getByRole('combobox', { name: 'Country' }), 'France', 'France');
    for (const [label, value] of [
      ['Administrator first name', 'Léa'],
      ['Administrator last name', 'Martin'],
      ['Administrator email', 'lea.martin@tailspin.example'],
    ] as const) {
      await page.getByRole('textbox', { name: label }).fill(value);
    }
    await page.getByRole('button', { name: 'Redeem keys' }).click();

    const credentials = page.getByRole('dialog', { name: "Keys redeemed: the administrator's credentials" });
    await poll(() => credentials.isVisible()).toBe(true);
    expect(await credentials.getByLabel('Temporary password').textContent()).toMatch(/\S{8,}/);
    await credentials.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Tailspin Toys: Active' }).isVisible()).toBe(true);

    // The keys are now redeemed for that customer.
    await page.getByRole('link', { name: 'Back to product keys' }).click();
    for (const key of keys) {
      const row = page.getByRole('row').filter({ has: page.getByLabel(`Key ending ${key.slice(-5)}`, { exact: true }) });
      await poll(() => row.textContent()).toMatch(/Redeemed.*Tailspin Toys/);
    }
    await signOut(page);
  });

  it('offers a partner without the subscription-advisor programme no product-key screen', async () => {
    const page = await signIn(fabrikamAdmin.email, '/customers');
    await poll(() => page.getByRole('button', { name: 'Alpine Ski House' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Product keys' }).count()).toBe(0);
    await page.goto(`${dashboard.origin}/product-keys`);
    await page.getByRole('button', { name: fabrikamAdmin.email }).click();
    await poll(() => page.getByText('Product keys need the subscription-advisor programme and full customer access.').isVisible()).toBe(
      true,
    );
    expect(await page.getByRole('button', { name: 'Order product keys' }).count()).toBe(0);
    await signOut(page);
  });

  it('edits the company profile as GLOBAL_ADMIN and finds the change in the audit trail by resource type and date', async () => {
    const page = await signIn(contosoAdmin.email, '/partner');
    const website = page.getByRole('textbox', { name: 'Website' });
    await poll(() => website.isEditable()).toBe(true);
    await website.fill('https://contoso-partner.example/cloud');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await poll(() => page.getByText('Company profile saved.').isVisible()).toBe(true);

    await page.getByRole('tab', { name: 'Audit trail' }).click();
    await choose(page.getByRole('combobox', { name: 'Resource type' }), 'Partner');
    const trail = page.getByRole('table', { name: 'Audit trail' });
    await poll(() => trail.getByRole('row').filter({ hasText: 'Company profile updated' }).count()).toBe(1);
    expect(await trail.textContent()).toContain('https://contoso-partner.example/cloud');
    expect(await trail.getByRole('row').filter({ hasText: 'Partner user added' }).count()).toBe(0);
    // A day before any change: nothing.
    await page.getByLabel('To', { exact: true }).fill('2000-01-01');
    await poll(() => page.getByText('No change matches these filters.').isVisible()).toBe(true);
    await signOut(page);

    // Everyone else reads the profile without a way to change it.
    const agent = await signIn(contosoAgent.email, '/partner');
    await poll(() => agent.getByRole('textbox', { name: 'Website' }).inputValue()).toBe('https://contoso-partner.example/cloud');
    expect(await agent.getByRole('textbox', { name: 'Website' }).isEditable()).toBe(false);
    expect(await agent.getByRole('button', { name: 'Save profile' }).count()).toBe(0);
    expect(await agent.getByRole('tab', { name: 'Users' }).count()).toBe(0);
    await signOut(agent);
  });

  it('offers a USER_ADMIN no way to grant or change GLOBAL_ADMIN; the temporary password of a new user is shown once', async () => {
    const promoted = await partnerApi(
      'mutation($id: ID!) { updatePartnerUser(id: $id, input: { companyRole: USER_ADMIN }) { errors { code } } }',
      { id: contosoSales.id },
      contosoAdmin.email,
    );
    expect(promoted.data?.updatePartnerUser.errors).toEqual([]);

    const page = await signIn(contosoSales.email, '/partner');
    await page.getByRole('tab', { name: 'Users' }).click();
    const users = page.getByRole('table', { name: 'Partner users' });
    await poll(() => users.getByRole('row').filter({ hasText: contosoAdmin.email }).isVisible()).toBe(true);
    // The global administrator's roles are not theirs to change.
    expect(await page.getByRole('button', { name: 'Change roles of Camille Admin' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Deactivate Camille Admin' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Change roles of Alex Agent' }).click();
    const change = page.getByRole('dialog', { name: 'Roles of Alex Agent' });
    await change.getByRole('combobox', { name: 'Company role' }).click();
    await poll(() => page.getByRole('option', { name: 'Billing administrator' }).isVisible()).toBe(true);
    expect(await page.getByRole('option', { name: 'Global administrator' }).count()).toBe(0);
    await choose(change.getByRole('combobox', { name: 'Company role' }), 'Billing administrator');
    await change.getByRole('button', { name: 'Save roles' }).click();
    await poll(() => users.getByRole('row').filter({ hasText: contosoAgent.email }).textContent()).toContain('Billing administrator');

    await page.getByRole('button', { name: 'Add partner user' }).click();
    const add = page.getByRole('dialog', { name: 'Add partner user' });
    await add.getByRole('textbox', { name: 'Display name' }).fill('Dana Desk');
    await add.getByRole('textbox', { name: 'Email' }).fill('dana@contoso-partner.example');
    await add.getByRole('combobox', { name: 'Company role' }).click();
    await poll(() => page.getByRole('option', { name: 'User administrator' }).isVisible()).toBe(true);
    expect(await page.getByRole('option', { name: 'Global administrator' }).count()).toBe(0);
    await choose(add.getByRole('combobox', { name: 'Company role' }), 'User administrator');
    await add.getByRole('button', { name: 'Add user' }).click();
    const created = page.getByRole('dialog', { name: 'Partner user added' });
    expect(await created.getByLabel('Temporary password').textContent()).toMatch(/\S{8,}/);
    await created.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => users.getByRole('row').filter({ hasText: 'dana@contoso-partner.example' }).textContent()).toContain(
      'User administrator',
    );

    // The server refuses it too, whatever the UI offers.
    const refused = await partnerApi(
      'mutation($id: ID!) { updatePartnerUser(id: $id, input: { companyRole: GLOBAL_ADMIN }) { errors { code } } }',
      { id: contosoAgent.id },
      contosoSales.email,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Deactivating takes the user off the list of active users.
    await page.getByRole('button', { name: 'Deactivate Dana Desk' }).click();
    await page.getByRole('dialog', { name: 'Deactivate Dana Desk?' }).getByRole('button', { name: 'Deactivate' }).click();
    await poll(() => users.getByRole('row').filter({ hasText: 'dana@contoso-partner.example' }).count()).toBe(0);
    await signOut(page);
  });

  it('lists delegated-admin relationships across customers by status, offers one with its link shown once, and ends it', async () => {
    const page = await signIn(contosoAdmin.email, '/delegated-admin');
    const table = page.getByRole('table', { name: 'Delegated-admin relationships' });
    // The status filter, not the table's status badges of the same name.
    const status = (name: string) => page.getByRole('radiogroup', { name: 'Status' }).getByText(name, { exact: true });
    await status('Active').click();
    await poll(() => table.getByRole('row').filter({ hasText: 'Adventure Works' }).count()).toBe(1);
    expect(await table.getByRole('row').filter({ hasText: 'Northwind Traders' }).count()).toBe(0);

    await choose(page.getByRole('combobox', { name: 'Customer' }), 'Northwind Traders', 'North');
    await page.getByRole('button', { name: 'Offer delegated administration' }).click();
    const offered = page.getByRole('dialog', { name: 'Delegated administration offered' });
    expect(await offered.getByLabel('Acceptance link for the customer').textContent()).toMatch(/^https?:\/\/\S+/);
    await offered.getByRole('button', { name: 'I have copied it' }).click();

    await status('Pending').click();
    const pending = table.getByRole('row').filter({ hasText: 'Northwind Traders' });
    await poll(() => pending.count()).toBe(1);
    await pending.getByRole('button', { name: 'End relationship' }).click();
    await poll(() => table.getByRole('row').filter({ hasText: 'Northwind Traders' }).count()).toBe(0);
    await status('Terminated').click();
    await poll(() => table.getByRole('row').filter({ hasText: 'Northwind Traders' }).count()).toBe(1);
    await signOut(page);
  });

  it('renews a subscription with a product key from its page; helpdesk is offered no renewal', async () => {
    const ordered = await dashboard.stack.subgraphRequest(
      'licensing-key',
      'mutation($offerId: ID!) { orderProductKeys(offerId: $offerId, count: 1) { keys { key } errors { code } } }',
      {
        viewer: await dashboard.stack.viewerOf(contosoAdmin.email),
        variables: { offerId: DEMO.offers.businessStandard },
      },
    );
    const key = ordered.data?.orderProductKeys.keys[0].key as string;
    expect(key).toMatch(/^[A-Z0-9-]{29}$/);
    const subscriptionPath = `/subscriptions/${DEMO.subscriptions.northwindBusinessStandard}`;

    const helpdesk = await signIn(contosoHelpdesk.email, subscriptionPath);
    await poll(() => helpdesk.getByRole('heading', { name: 'Microsoft 365 Business Standard' }).isVisible()).toBe(true);
    expect(await helpdesk.getByRole('region', { name: 'Renew with a product key' }).count()).toBe(0);
    await signOut(helpdesk);

    const page = await signIn(contosoAdmin.email, subscriptionPath);
    const renew = page.getByRole('region', { name: 'Renew with a product key' });
    await renew.getByRole('textbox', { name: 'Product key' }).fill(key.toLowerCase());
    await renew.getByRole('button', { name: 'Renew' }).click();
    await poll(() => page.getByText(/^Renewed: the subscription now ends on /).isVisible()).toBe(true);
    const renewed = await dashboard.stack.subgraphRequest(
      'licensing-key',
      'query { productKeys(first: 50) { edges { node { lastFive state usedFor } } } }',
      { viewer: await dashboard.stack.viewerOf(contosoAdmin.email) },
    );
    const used = renewed.data?.productKeys.edges
      .map((edge: { node: { lastFive: string } }) => edge.node)
      .find((node: { lastFive: string }) => node.lastFive === key.slice(-5));
    expect(used).toMatchObject({ state: 'REDEEMED', usedFor: 'RENEWAL' });
    await signOut(page);
  });

  it('revokes an unused key, which then cannot be redeemed', async () => {
    const ordered = await dashboard.stack.subgraphRequest(
      'licensing-key',
      'mutation($offerId: ID!) { orderProductKeys(offerId: $offerId, count: 1) { keys { key } } }',
      {
        viewer: await dashboard.stack.viewerOf(contosoAdmin.email),
        variables: { offerId: DEMO.offers.businessBasic },
      },
    );
    const key = ordered.data?.orderProductKeys.keys[0].key as string;
    const page = await signIn(contosoAdmin.email, '/product-keys');
    await page.getByRole('button', { name: `Revoke key ending ${key.slice(-5)}` }).click();
    await page
      .getByRole('dialog', { name: `Revoke the key ending ${key.slice(-5)}?` })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    const row = page.getByRole('row').filter({ has: page.getByLabel(`Key ending ${key.slice(-5)}`, { exact: true }) });
    await poll(() => row.textContent()).toContain('Revoked');
    expect(await page.getByRole('button', { name: `Revoke key ending ${key.slice(-5)}` }).count()).toBe(0);

    await page.getByRole('link', { name: 'Redeem product keys' }).click();
    await page.getByRole('textbox', { name: 'Product keys' }).fill(key);
    await page.getByRole('button', { name: 'Review keys' }).click();
    await poll(() => page.getByRole('table', { name: 'Keys to redeem' }).getByText('Revoked', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await signOut(page);
  });
});
