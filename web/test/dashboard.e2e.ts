import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO } from '@partner-graph/platform';
import { seedBulkCustomers } from '@partner-graph/customer/seed';
import { chromiumMissing, poll, requireChromiumInCi } from './browser.js';
import { choose, chooseOffer, useDashboard } from './helpers.js';

// The dashboard in Chromium against the whole federation with the demo data, served by the
// gateway as `npm start` does — and accepting only the build's persisted documents, so every
// document the dashboard sends is in its manifest.
const { contosoAdmin, contosoAgent, contosoHelpdesk, contosoSales, fabrikamAdmin } = DEMO.users;
const NORTHWIND_STANDARD = DEMO.subscriptions.northwindBusinessStandard;

requireChromiumInCi();

// Many customers, so search and paging run against more than one page.
const dashboard = useDashboard({
  prepare: (stack) => seedBulkCustomers(stack.subgraphs.customer.db, stack.clock, { partnerId: DEMO.partners.contoso, count: 2_000 }),
});
const { signIn, signOut } = dashboard;

/** The API behind the browser's back: straight to the subscription subgraph (the gateway runs only the dashboard's documents). */
async function subscriptionApi(query: string, variables: Record<string, unknown>, email: string) {
  return dashboard.stack.subgraphRequest('subscription', query, { viewer: await dashboard.stack.viewerOf(email), variables });
}

const visible = (page: Page, role: Parameters<Page['getByRole']>[0], name: string | RegExp) => page.getByRole(role, { name }).isVisible();

describe.skipIf(chromiumMissing)('partner dashboard in Chromium', () => {
  it('offers each demo role only what it may do', async () => {
    for (const [email, seesNorthwind, addsCustomers] of [
      [contosoAdmin.email, true, true],
      [contosoAgent.email, true, true],
      [contosoHelpdesk.email, true, false],
    ] as const) {
      const page = await signIn(email);
      await page.getByLabel('Search customers').fill('north');
      await poll(() => visible(page, 'button', 'Northwind Traders')).toBe(seesNorthwind);
      expect(await visible(page, 'link', 'Add customer')).toBe(addsCustomers);
      await signOut(page);
    }

    const sales = await signIn(contosoSales.email);
    await poll(() => sales.getByText('No customer access').isVisible()).toBe(true);
    expect(await sales.getByRole('table').count()).toBe(0);
    expect(await visible(sales, 'link', 'Add customer')).toBe(false);
    await signOut(sales);

    const fabrikam = await signIn(fabrikamAdmin.email);
    await fabrikam.getByLabel('Search customers').fill('north');
    await poll(() => fabrikam.getByText(/No customer.s name or domain starts with “north”/).isVisible()).toBe(true);
    await fabrikam.getByLabel('Search customers').fill('');
    await poll(() => visible(fabrikam, 'button', 'Alpine Ski House')).toBe(true);
    await signOut(fabrikam);
  });

  it('finds Northwind Traders among many customers, pages through a search, opens its subscriptions', async () => {
    const page = await signIn(contosoAgent.email);
    const search = page.getByLabel('Search customers');
    await search.fill('nova');
    await poll(() => page.getByRole('button', { name: /^Nova Trading \d+$/ }).count()).toBe(25);
    const firstPage = await page
      .getByRole('button', { name: /^Nova Trading \d+$/ })
      .first()
      .textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await poll(() => page.getByText('Page 2').isVisible()).toBe(true);
    await poll(() =>
      page
        .getByRole('button', { name: /^Nova Trading \d+$/ })
        .first()
        .textContent(),
    ).not.toBe(firstPage);

    await search.fill('north');
    await poll(() => page.getByRole('button', { name: /Trading/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Northwind Traders' }).click();
    const pane = page.getByRole('region', { name: 'Actions: Northwind Traders' });
    await pane.getByRole('link', { name: 'Microsoft 365 Business Standard' }).click();
    await poll(() => visible(page, 'heading', 'Microsoft 365 Business Standard')).toBe(true);
    expect(page.url()).toBe(`${dashboard.origin}/subscriptions/${NORTHWIND_STANDARD}`);
    await signOut(page);
  });

  it('changes a licence count through the review step', async () => {
    const page = await signIn(contosoAgent.email, `/subscriptions/${NORTHWIND_STANDARD}`);
    await page.getByRole('button', { name: 'Change licence count' }).click();
    const before = Number(await page.getByLabel('Current licence count').textContent());
    await page.getByLabel('New licence count').fill(String(before + 2));
    await page.getByRole('button', { name: 'Review' }).click();
    await poll(() => page.getByText(`to ${before + 2} licences`).isVisible()).toBe(true);
    // The review changed nothing.
    const reviewed = await subscriptionApi(
      'query($id: ID!) { subscription(id: $id) { quantity } }',
      { id: NORTHWIND_STANDARD },
      contosoAgent.email,
    );
    expect(reviewed.data?.subscription.quantity).toBe(before);
    await page.getByRole('button', { name: 'Confirm change' }).click();
    await poll(() => page.getByLabel('Current licence count').textContent()).toBe(String(before + 2));
    const saved = await subscriptionApi(
      'query($id: ID!) { subscription(id: $id) { quantity } }',
      { id: NORTHWIND_STANDARD },
      contosoAgent.email,
    );
    expect(saved.data?.subscription.quantity).toBe(before + 2);
    await signOut(page);
  });

  it('offers helpdesk no licence-count change', async () => {
    const page = await signIn(contosoHelpdesk.email, `/subscriptions/${NORTHWIND_STANDARD}`);
    await poll(() => visible(page, 'heading', 'Microsoft 365 Business Standard')).toBe(true);
    expect(await visible(page, 'button', 'Change licence count')).toBe(false);
    expect(await visible(page, 'button', 'Suspend subscription')).toBe(false);
    expect(await page.getByRole('switch', { name: /Renew automatically/ }).isDisabled()).toBe(true);
    await signOut(page);
  });

  it('shows a direct purchase view-only with the reason', async () => {
    const page = await signIn(contosoAdmin.email, `/subscriptions/${DEMO.subscriptions.adventureWorksDirectE3}`);
    await poll(() => page.getByText(/Bought directly by the customer: only the partner that sold/).isVisible()).toBe(true);
    expect(await visible(page, 'button', 'Change licence count')).toBe(false);
    await signOut(page);
  });

  it('explains a version conflict and resolves it by reloading the current values', async () => {
    const page = await signIn(contosoAgent.email, `/subscriptions/${NORTHWIND_STANDARD}`);
    await page.getByRole('button', { name: 'Change licence count' }).click();
    const before = Number(await page.getByLabel('Current licence count').textContent());

    // Someone else changes it meanwhile.
    const current = await subscriptionApi(
      'query($id: ID!) { subscription(id: $id) { version } }',
      { id: NORTHWIND_STANDARD },
      contosoAdmin.email,
    );
    const other = await subscriptionApi(
      'mutation($id: ID!, $v: Int) { changeSubscriptionQuantity(id: $id, quantity: 20, expectedVersion: $v) { errors { code } } }',
      { id: NORTHWIND_STANDARD, v: current.data?.subscription.version },
      contosoAdmin.email,
    );
    expect(other.data?.changeSubscriptionQuantity.errors).toEqual([]);

    await page.getByLabel('New licence count').fill(String(before + 1));
    await page.getByRole('button', { name: 'Review' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'This subscription was changed by someone else' });
    await poll(() => alert.isVisible()).toBe(true);
    await alert.getByRole('button', { name: 'Reload current values' }).click();
    await poll(() => page.getByLabel('Current licence count').textContent()).toBe('20');
    // Deciding again on the current values works.
    await page.getByRole('button', { name: 'Change licence count' }).click();
    await page.getByLabel('New licence count').fill('21');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Confirm change' }).click();
    await poll(() => page.getByLabel('Current licence count').textContent()).toBe('21');
    await signOut(page);
  });

  it('creates a customer through the wizard and follows it to ACTIVE', async () => {
    const page = await signIn(contosoAgent.email, '/customers/new');
    const field = (label: string) => page.getByRole('textbox', { name: label });
    await field('Company name').fill('Fourth Coffee');
    await field('Domain prefix').fill('northwindtraders');
    await poll(() => page.getByText('northwindtraders.onmicrosoft.com is already taken').isVisible()).toBe(true);
    await field('Domain prefix').fill('fourthcoffee');
    await poll(() => page.getByText('fourthcoffee.onmicrosoft.com is available').isVisible()).toBe(true);
    await choose(page.getByRole('combobox', { name: 'Country' }), 'France', 'France');
    await field('Address line 1').fill('12 rue de la Paix');
    await field('City').fill('Paris');
    await field('Postal code').fill('ABC');
    await field('Contact first name').fill('Ana');
    await field('Contact last name').fill('Bernal');
    await field('Contact email').fill('ana@fourthcoffee.example');
    await field('Contact phone').fill('+33 1 23 45 67 89');
    await page.getByRole('button', { name: 'Next' }).click();

    await chooseOffer(page, 'Microsoft 365 Business Standard', '5');
    // The review (dryRun) names the postal code: the wizard goes back to it and shows why.
    await poll(() => page.getByText('Not a valid postal code for this country.').isVisible()).toBe(true);
    await field('Postal code').fill('75002');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();

    await poll(() => page.getByText('Administrator: admin@fourthcoffee.onmicrosoft.com').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Edit offer and seats' }).click();
    await page.getByRole('textbox', { name: 'Number of seats' }).fill('6');
    await page.getByRole('button', { name: 'Next' }).click();
    await poll(() => page.getByText('Microsoft 365 Business Standard: 6 licences').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Create customer' }).click();

    const credentials = page.getByRole('dialog', { name: "Customer created: the administrator's credentials" });
    await poll(() => credentials.getByText('admin@fourthcoffee.onmicrosoft.com').isVisible()).toBe(true);
    const password = await credentials.getByLabel('Temporary password').textContent();
    expect(password).toMatch(/\S{8,}/);
    await credentials.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Fourth Coffee: Active' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Open customer page' }).click();
    await poll(() => visible(page, 'heading', 'Fourth Coffee')).toBe(true);
    await signOut(page);
  });

  it('manages a customer’s users: temporary passwords shown once, delete and restore', async () => {
    const page = await signIn(contosoAgent.email, `/customers/${DEMO.customers.northwind}`);
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const form = page.getByRole('dialog', { name: 'Add a user' });
    await form.getByRole('textbox', { name: 'First name' }).fill('Rita');
    await form.getByRole('textbox', { name: 'Last name' }).fill('Lopes');
    await form.getByRole('button', { name: 'Create user' }).click();
    const created = page.getByRole('dialog', { name: 'User created' });
    await poll(() => created.getByText(/rita\.lopes@northwindtraders\.onmicrosoft\.com/).isVisible()).toBe(true);
    expect(await created.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await created.getByRole('button', { name: 'I have copied it' }).click();

    await page.getByRole('button', { name: 'Reset password of Rita Lopes' }).click();
    const reset = page.getByRole('dialog', { name: 'Password reset' });
    await poll(() => reset.getByLabel('Temporary password').textContent()).toMatch(/\S{8,}/);
    await reset.getByRole('button', { name: 'I have copied it' }).click();

    await page.getByRole('button', { name: 'Delete Rita Lopes' }).click();
    await page.getByRole('button', { name: 'Restore Rita Lopes' }).click();
    await poll(() => visible(page, 'button', 'Delete Rita Lopes')).toBe(true);
    await signOut(page);
  });

  it('opens, annotates and closes a service request', async () => {
    const page = await signIn(contosoHelpdesk.email, `/customers/${DEMO.customers.northwind}`);
    await page.getByRole('tab', { name: 'Users' }).click();
    // Limited access: no users added or deleted.
    await poll(() => page.getByRole('table').isVisible()).toBe(true);
    expect(await visible(page, 'button', 'Add user')).toBe(false);
    await page.getByRole('tab', { name: 'Service requests' }).click();
    await page.getByRole('button', { name: 'Open a service request' }).click();
    const form = page.getByRole('dialog', { name: 'Open a service request' });
    await form.getByRole('textbox', { name: 'Title' }).fill('Mailbox full');
    await form.getByRole('textbox', { name: 'Description' }).fill('The CEO cannot receive mail.');
    await form.getByRole('button', { name: 'Open request' }).click();
    const request = page.getByRole('article', { name: 'Mailbox full' });
    await request.getByRole('textbox', { name: 'Note on “Mailbox full”' }).fill('Archive enabled.');
    await request.getByRole('button', { name: 'Add note' }).click();
    await poll(() => request.getByText('Archive enabled.').isVisible()).toBe(true);
    await request.getByRole('button', { name: 'Close “Mailbox full”' }).click();
    await poll(() => request.getByText('Closed', { exact: true }).isVisible()).toBe(true);
    await signOut(page);
  });

  it('suspends and activates a subscription, turns auto-renew on, assigns a licence', async () => {
    const page = await signIn(contosoAdmin.email, `/subscriptions/${DEMO.subscriptions.northwindE3Ending}`);
    await page.getByRole('button', { name: 'Suspend subscription' }).click();
    await page.getByRole('dialog', { name: 'Suspend this subscription?' }).getByRole('button', { name: 'Suspend' }).click();
    await poll(() => visible(page, 'button', 'Activate subscription')).toBe(true);
    expect(await page.getByText('Suspended', { exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Activate subscription' }).click();
    await page.getByRole('dialog', { name: 'Activate this subscription?' }).getByRole('button', { name: 'Activate' }).click();
    await poll(() => visible(page, 'button', 'Suspend subscription')).toBe(true);

    const autoRenew = page.getByRole('switch', { name: 'Renew automatically at the end of the term' });
    expect(await autoRenew.isChecked()).toBe(false);
    await autoRenew.click({ force: true });
    await poll(() => autoRenew.isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Assign licence to Chloé Bernard' }).click();
    await poll(() => visible(page, 'button', 'Remove licence from Chloé Bernard')).toBe(true);
    const saved = await subscriptionApi(
      'query($id: ID!) { subscription(id: $id) { status autoRenew licenceAssignments { userId } } }',
      { id: DEMO.subscriptions.northwindE3Ending },
      contosoAdmin.email,
    );
    expect(saved.data?.subscription).toMatchObject({ status: 'ACTIVE', autoRenew: true });
    await signOut(page);
  });

  it('works from the keyboard alone', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard.origin}/customers`);
    await page.getByRole('button', { name: contosoAgent.email }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Search customers').focus();
    await page.keyboard.type('north');
    await poll(() => visible(page, 'button', 'Northwind Traders')).toBe(true);
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Northwind Traders');
    await page.keyboard.press('Enter');
    const pane = page.getByRole('region', { name: 'Actions: Northwind Traders' });
    await poll(() => pane.isVisible()).toBe(true);
    await pane.getByRole('link', { name: 'Open customer page' }).focus();
    await page.keyboard.press('Enter');
    await poll(() => visible(page, 'heading', 'Northwind Traders')).toBe(true);
    await page.close();
  });

  it('shows a failed provisioning with its reason, and retries it', async () => {
    const page = await signIn(contosoAgent.email, '/customers/new');
    const field = (label: string) => page.getByRole('textbox', { name: label });
    await field('Company name').fill('Wide World Importers');
    await field('Domain prefix').fill('wideworldimporters');
    await choose(page.getByRole('combobox', { name: 'Country' }), 'France', 'France');
    await field('Address line 1').fill('1 quai de Bercy');
    await field('City').fill('Paris');
    await field('Postal code').fill('75012');
    await field('Contact first name').fill('Léa');
    await field('Contact last name').fill('Martin');
    await field('Contact email').fill('lea@wideworldimporters.example');
    await field('Contact phone').fill('+33 1 98 76 54 32');
    await page.getByRole('button', { name: 'Next' }).click();
    await choose(page.getByRole('combobox', { name: 'Offer' }), 'Office 365 E1');
    await page.getByRole('button', { name: 'Next' }).click();
    await poll(() => visible(page, 'button', 'Create customer')).toBe(true);

    // The subscription service is down while the account is provisioned.
    await dashboard.stack.subgraphs.subscription.kill();
    try {
      await page.getByRole('button', { name: 'Create customer' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'I have copied it' }).click();
      await poll(() => page.getByRole('status').filter({ hasText: 'Wide World Importers: Failed' }).isVisible()).toBe(true);
      expect(await page.getByRole('status').filter({ hasText: 'Wide World Importers: Failed' }).textContent()).toMatch(/subscription/i);
    } finally {
      await dashboard.stack.subgraphs.subscription.restart();
    }
    await page.getByRole('button', { name: 'Retry provisioning' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Wide World Importers: Active' }).isVisible()).toBe(true);
    await signOut(page);
  });

  it('adds a subscription from the actions pane, after checking the number of licences', async () => {
    const page = await signIn(contosoAgent.email, '/customers?search=north');
    await page.getByRole('button', { name: 'Northwind Traders' }).click();
    const pane = page.getByRole('region', { name: 'Actions: Northwind Traders' });
    await pane.getByRole('button', { name: 'Add a new subscription' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a subscription for Northwind Traders' });
    await choose(dialog.getByRole('combobox', { name: 'Select an offer' }), 'Exchange Online (Plan 1)');
    await dialog.getByRole('textbox', { name: 'Number of licences' }).fill('3');
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await poll(() => dialog.getByText('3 licences').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await poll(() => pane.getByRole('link', { name: 'Exchange Online (Plan 1)' }).isVisible()).toBe(true);
    expect(await visible(page, 'button', 'Add a new subscription')).toBe(true);
    await signOut(page);

    const helpdesk = await signIn(contosoHelpdesk.email, '/customers?search=north');
    await helpdesk.getByRole('button', { name: 'Northwind Traders' }).click();
    await poll(() =>
      helpdesk.getByRole('region', { name: 'Actions: Northwind Traders' }).getByRole('link', { name: 'Open customer page' }).isVisible(),
    ).toBe(true);
    expect(await visible(helpdesk, 'button', 'Add a new subscription')).toBe(false);
    await signOut(helpdesk);
  });

  it('offers delegated administration with a link shown once, and lists the relationships', async () => {
    const page = await signIn(contosoAdmin.email, `/customers/${DEMO.customers.northwind}`);
    await page.getByRole('tab', { name: 'Delegated admin' }).click();
    await page.getByRole('button', { name: 'Offer delegated administration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delegated administration offered' });
    await poll(() => dialog.getByLabel('Acceptance link for the customer').textContent()).toMatch(/^https?:\/\/\S+/);
    expect(await dialog.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => page.getByRole('cell', { name: 'pending' }).isVisible()).toBe(true);
    await signOut(page);

    // Helpdesk (limited access) sees the relationships, offers none.
    const helpdesk = await signIn(contosoHelpdesk.email, `/customers/${DEMO.customers.adventureWorks}`);
    await helpdesk.getByRole('tab', { name: 'Delegated admin' }).click();
    await poll(() => helpdesk.getByRole('cell', { name: 'active' }).isVisible()).toBe(true);
    expect(await visible(helpdesk, 'button', 'Offer delegated administration')).toBe(false);
    await signOut(helpdesk);
  });

  it('is usable 390 px wide: the actions pane opens as a dialog', async () => {
    const page = await signIn(contosoAgent.email, '/customers?search=north', 390);
    await page.getByRole('button', { name: 'Northwind Traders' }).click();
    const pane = page.getByRole('dialog', { name: 'Actions: Northwind Traders' });
    await pane.getByRole('link', { name: 'Microsoft 365 Business Standard' }).click();
    await poll(() => visible(page, 'button', 'Change licence count')).toBe(true);
    await signOut(page);
  });

  describe('in a French browser (fr-FR)', () => {
    // Words of the English screens that must not be left on the French ones.
    const ENGLISH =
      /\b(Customers|Search customers|Country|Relationship|Add customer|Next page|Sign out|Subscriptions|Licences of|Review|Active)\b/;

    it('signs in, lists and searches customers with countries by name, and switches to English (kept) in the account menu', async () => {
      const signInPage = await dashboard.browser.newPage({ locale: 'fr-FR' });
      await signInPage.goto(`${dashboard.origin}/sign-in`);
      await poll(() => visible(signInPage, 'heading', 'Se connecter au Centre d’administration des partenaires')).toBe(true);
      expect(await signInPage.evaluate(() => document.documentElement.lang)).toBe('fr');
      expect(await signInPage.locator('body').innerText()).not.toMatch(ENGLISH);
      await signInPage.close();

      const page = await signIn(contosoAgent.email, '/customers', 1280, 'fr-FR');
      await poll(() => visible(page, 'heading', 'Clients')).toBe(true);
      await page.getByLabel('Rechercher des clients').fill('north');
      const northwind = page.getByRole('row').filter({ hasText: 'Northwind Traders' });
      await poll(() => northwind.getByRole('cell', { name: 'France', exact: true }).isVisible()).toBe(true);
      expect(await page.getByRole('columnheader', { name: 'Pays' }).isVisible()).toBe(true);
      expect(await page.locator('body').innerText()).not.toMatch(ENGLISH);
      await page.getByRole('button', { name: 'Northwind Traders' }).click();
      const pane = page.getByRole('region', { name: 'Actions : Northwind Traders' });
      await poll(() => pane.getByRole('link', { name: 'Ouvrir la page du client' }).isVisible()).toBe(true);
      expect(await pane.getByText(/^\d+ licences$/).count()).toBeGreaterThan(0);

      // English, from the account menu: the page follows at once, and the choice outlives the session.
      await page.getByRole('button', { name: / : menu du compte$/ }).click();
      await page.getByRole('menuitem', { name: 'English' }).click();
      await poll(() => visible(page, 'heading', 'Customers')).toBe(true);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await northwind.getByRole('cell', { name: 'France', exact: true }).isVisible()).toBe(true);
      await page.reload();
      await poll(() => visible(page, 'heading', 'Sign in to the partner admin center')).toBe(true);
      await page.evaluate(() => localStorage.clear());
      await page.close();
    }, 120_000);

    it('changes a licence count through the review step, the price written the French way', async () => {
      const page = await signIn(contosoAgent.email, `/subscriptions/${NORTHWIND_STANDARD}`, 1280, 'fr-FR');
      await page.getByRole('button', { name: 'Modifier la quantité' }).click();
      const before = Number(await page.getByLabel('Nombre de licences actuel').textContent());
      await page.getByLabel('Nouveau nombre de licences').fill(String(before + 1));
      await page.getByRole('button', { name: 'Vérification' }).click();
      const review = page.getByRole('alert').filter({ hasText: 'Vérifiez la modification' });
      await poll(() => review.getByText(`à ${before + 1} licences`).isVisible()).toBe(true);
      // French decimals, the euro after the amount.
      expect(await review.textContent()).toMatch(/\(\d+,\d{2}\s€ par mois\)/);
      expect(await page.locator('body').innerText()).not.toMatch(ENGLISH);
      await page.getByRole('button', { name: 'Confirmer la modification' }).click();
      await poll(() => page.getByLabel('Nombre de licences actuel').textContent()).toBe(String(before + 1));
      await signOut(page);
    });

    it('adds a customer through the wizard, the country by name in the select and the review', async () => {
      const page = await signIn(contosoAgent.email, '/customers/new', 1280, 'fr-FR');
      const field = (label: string) => page.getByRole('textbox', { name: label, exact: true });
      await field('Nom de la société').fill('Café Lumière');
      await field('Préfixe de domaine').fill('cafelumiere');
      await poll(() => page.getByText('cafelumiere.onmicrosoft.com est disponible').isVisible()).toBe(true);
      await choose(page.getByRole('combobox', { name: 'Pays' }), 'France', 'Fra');
      await field('Adresse (ligne 1)').fill('3 place Bellecour');
      await field('Ville').fill('Lyon');
      await field('Code postal').fill('69002');
      await field('Prénom du contact').fill('Camille');
      await field('Nom du contact').fill('Durand');
      await field('Adresse de courrier du contact').fill('camille@cafelumiere.example');
      await field('Téléphone du contact').fill('+33 4 72 00 00 00');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await choose(page.getByRole('combobox', { name: 'Offre' }), 'Microsoft 365 Business Standard');
      await page.getByRole('textbox', { name: 'Nombre de licences' }).fill('3');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await poll(() => page.getByText('Administrateur : admin@cafelumiere.onmicrosoft.com').isVisible()).toBe(true);
      expect(await page.getByText('3 place Bellecour, 69002 Lyon, France').isVisible()).toBe(true);
      expect(await page.getByText('Microsoft 365 Business Standard : 3 licences').isVisible()).toBe(true);
      expect(await page.locator('body').innerText()).not.toMatch(ENGLISH);
      await page.getByRole('button', { name: 'Créer le client' }).click();
      const credentials = page.getByRole('dialog', { name: 'Client créé : les informations de connexion de l’administrateur' });
      await poll(() => credentials.getByText('admin@cafelumiere.onmicrosoft.com').isVisible()).toBe(true);
      await credentials.getByRole('button', { name: 'Je l’ai copié' }).click();
      await poll(() => page.getByRole('status').filter({ hasText: 'Café Lumière : Actif' }).isVisible()).toBe(true);
      await signOut(page);
    });
  });

  // Last: it deactivates helpdesk@.
  it('sends a user whose token is refused back to sign in', async () => {
    const page = await signIn(contosoHelpdesk.email);
    const partner = (query: string, variables: Record<string, unknown>) =>
      dashboard.stack
        .viewerOf(contosoAdmin.email)
        .then((viewer) => dashboard.stack.subgraphRequest('partner', query, { viewer, variables }));
    const deactivated = await partner('mutation($id: ID!) { deactivatePartnerUser(id: $id) { errors { code } } }', {
      id: contosoHelpdesk.id,
    });
    expect(deactivated.data?.deactivatePartnerUser.errors).toEqual([]);
    // The gateway forgets the user once its viewer cache (30 s, on the test clock) has passed; the next request is refused.
    dashboard.stack.clock.advance(30_001);
    const signInPage = page.getByRole('heading', { name: 'Sign in to the partner admin center' });
    // A new search every second (slower than the box's debounce) until one is refused.
    await expect
      .poll(
        async () => {
          if (await signInPage.isVisible()) return true;
          const search = page.getByLabel('Search customers');
          // The page may leave for sign-in between the two calls: a short wait, not the 30 s default.
          if (await search.isVisible()) await search.fill(`n${Date.now()}`, { timeout: 1_000 });
          return false;
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe(true);
    await signOut(page);
  });
});
