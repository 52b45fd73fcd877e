import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DEMO } from '@partner-graph/platform';
import { chromiumMissing, poll } from './browser.js';
import { chooseOffer, offerDelegatedAdminToNorthwind, orderedKeys, screenshotViewport, signInToAccept, useDashboard } from './helpers.js';

// The README's screenshots of the main screens at 1280 and 390 px wide:
// `UPDATE_SCREENSHOTS=1 npx vitest run web/test/screenshots.e2e.ts` rewrites docs/screenshots/.
const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots');
const enabled = process.env.UPDATE_SCREENSHOTS === '1' && !chromiumMissing;

const dashboard = useDashboard({ enabled, persistedDocumentsOnly: false, viewport: screenshotViewport });

beforeAll(() => {
  if (enabled) mkdirSync(OUT, { recursive: true });
});

/** Waits for a notice to show, then to close by itself: the next screenshot shows the screen, not the notice over its header. */
async function closedByItself(notice: Locator): Promise<void> {
  await notice.waitFor();
  await notice.waitFor({ state: 'detached' });
}

const shot = async (page: Page, name: string, width: number) => {
  // From the top: a full-page screenshot draws the fixed header where the page is scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`), fullPage: true, animations: 'disabled' });
};

describe.runIf(enabled)('screenshots', () => {
  it.each([1280, 390])('at %i px', async (width) => {
    const signIn = await dashboard.browser.newPage({ viewport: { width, height: 800 } });
    await signIn.goto(`${dashboard.origin}/sign-in`);
    await poll(() => signIn.getByRole('button', { name: DEMO.users.contosoAgent.email }).isVisible()).toBe(true);
    await shot(signIn, '01-sign-in', width);
    await signIn.close();

    const page = await dashboard.signIn(DEMO.users.contosoAgent.email, '/customers', width);
    await page.getByRole('button', { name: 'Northwind Traders' }).click();
    await poll(() => page.getByRole('link', { name: 'Microsoft 365 Business Standard' }).isVisible()).toBe(true);
    await shot(page, '02-customers', width);

    await page.getByRole('link', { name: 'Microsoft 365 Business Standard' }).click();
    await page.getByRole('button', { name: 'Change licence count' }).click();
    await page.getByLabel('New licence count').fill('12');
    await page.getByRole('button', { name: 'Review' }).click();
    await poll(() => page.getByText('to 12 licences').isVisible()).toBe(true);
    await shot(page, '03-subscription-review', width);
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Northwind Traders' }).click();
    await page.getByRole('tab', { name: 'Users' }).click();
    await poll(() => page.getByRole('button', { name: 'Add user' }).isVisible()).toBe(true);
    await shot(page, '04-customer-users', width);

    await page.getByRole('main').getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Add customer' }).click();
    await page.getByRole('textbox', { name: 'Company name' }).fill('Fourth Coffee');
    await page.getByRole('textbox', { name: 'Domain prefix' }).fill(`fourthcoffee${width}`);
    await poll(() => page.getByText(`fourthcoffee${width}.onmicrosoft.com is available`).isVisible()).toBe(true);
    await shot(page, '05-add-customer', width);
    await page.getByRole('combobox', { name: 'Country' }).fill('France');
    await page.getByRole('option', { name: 'France' }).click();
    for (const [label, value] of [
      ['Address line 1', '12 rue de la Paix'],
      ['City', 'Paris'],
      ['Postal code', '75002'],
      ['Contact first name', 'Ana'],
      ['Contact last name', 'Bernal'],
      ['Contact email', 'ana@fourthcoffee.example'],
      ['Contact phone', '+33 1 23 45 67 89'],
    ]) {
      await page.getByRole('textbox', { name: label }).fill(value!);
    }
    await page.getByRole('button', { name: 'Next' }).click();
    await chooseOffer(page, 'Microsoft 365 Business Standard', '5');
    await poll(() => page.getByRole('button', { name: 'Create customer' }).isVisible()).toBe(true);
    await shot(page, '06-add-customer-review', width);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await poll(() => page.getByRole('button', { name: 'I have copied it' }).isVisible()).toBe(true);
    await shot(page, '07-add-customer-credentials', width);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Fourth Coffee: Active' }).isVisible()).toBe(true);
    await shot(page, '08-add-customer-active', width);

    // A version conflict: someone else changes the subscription while it is open here.
    await page.close();
    const conflict = await dashboard.signIn(
      DEMO.users.contosoAgent.email,
      `/subscriptions/${DEMO.subscriptions.northwindBusinessStandard}`,
      width,
    );
    await conflict.getByRole('button', { name: 'Change licence count' }).click();
    const viewer = await dashboard.stack.viewerOf(DEMO.users.contosoAdmin.email);
    const current = await dashboard.stack.subgraphRequest(
      'subscription',
      'query($id: ID!) { subscription(id: $id) { version quantity } }',
      { viewer, variables: { id: DEMO.subscriptions.northwindBusinessStandard } },
    );
    await dashboard.stack.subgraphRequest(
      'subscription',
      'mutation($id: ID!, $q: Int!, $v: Int) { changeSubscriptionQuantity(id: $id, quantity: $q, expectedVersion: $v) { errors { code } } }',
      {
        viewer,
        variables: {
          id: DEMO.subscriptions.northwindBusinessStandard,
          q: current.data?.subscription.quantity + 1,
          v: current.data?.subscription.version,
        },
      },
    );
    await conflict.getByLabel('New licence count').fill('15');
    await conflict.getByRole('button', { name: 'Review' }).click();
    await poll(() => conflict.getByRole('button', { name: 'Reload current values' }).isVisible()).toBe(true);
    await shot(conflict, '09-version-conflict', width);
    await conflict.close();
  });
});

describe.runIf(enabled)('screenshots: product keys and partner administration', () => {
  it.each([1280, 390])('at %i px', async (width) => {
    const page = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/product-keys', width);
    await page.getByRole('button', { name: 'Order product keys' }).click();
    await page.getByRole('combobox', { name: 'Offer' }).click();
    await page.getByRole('option', { name: 'Microsoft 365 Business Standard' }).click();
    await page.getByRole('textbox', { name: 'Number of keys' }).fill('2');
    await page.getByRole('button', { name: 'Order keys' }).click();
    const { dialog: ordered, keys } = await orderedKeys(page, 2);
    await shot(page, '20-product-keys-ordered', width);
    await ordered.getByRole('button', { name: 'I have kept them' }).click();
    await poll(() => page.getByRole('table', { name: 'Product keys' }).isVisible()).toBe(true);
    await shot(page, '21-product-keys', width);

    await page.getByRole('link', { name: 'Redeem product keys' }).click();
    await page.getByRole('textbox', { name: 'Product keys' }).fill(`${keys.join('\n')}\nBCDFG-HJKMP`);
    await page.getByRole('button', { name: 'Review keys' }).click();
    await poll(() => page.getByRole('table', { name: 'Keys to redeem' }).getByText('Valid', { exact: true }).count()).toBe(2);
    await shot(page, '22-product-keys-review', width);
    await page.getByRole('button', { name: 'Edit keys' }).click();
    await page.getByRole('textbox', { name: 'Product keys' }).fill(keys.join('\n'));
    await page.getByRole('button', { name: 'Review keys' }).click();
    await poll(() => page.getByRole('table', { name: 'Keys to redeem' }).getByText('Valid', { exact: true }).count()).toBe(2);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('textbox', { name: 'Company name' }).fill(`Tailspin Toys ${width}`);
    await page.getByRole('combobox', { name: 'Country' }).fill('France');
    await page.getByRole('option', { name: 'France' }).click();
    await page.getByRole('textbox', { name: 'Administrator first name' }).fill('Léa');
    await page.getByRole('textbox', { name: 'Administrator last name' }).fill('Martin');
    await page.getByRole('textbox', { name: 'Administrator email' }).fill('lea.martin@tailspin.example');
    await shot(page, '23-product-keys-customer', width);
    await page.getByRole('button', { name: 'Redeem keys' }).click();
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: `Tailspin Toys ${width}: Active` })
        .isVisible(),
    ).toBe(true);
    await shot(page, '24-product-keys-redeemed', width);
    await page.close();

    const partner = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/partner', width);
    await poll(() => partner.getByRole('textbox', { name: 'Website' }).isVisible()).toBe(true);
    await shot(partner, '25-company-profile', width);
    await partner.getByRole('tab', { name: 'Users' }).click();
    await partner.getByRole('button', { name: 'Change roles of Alex Agent' }).click();
    await partner.getByRole('combobox', { name: 'Company role' }).click();
    await poll(() => partner.getByRole('option', { name: 'User administrator' }).isVisible()).toBe(true);
    await shot(partner, '26-partner-users', width);
    await partner.keyboard.press('Escape');
    await partner.keyboard.press('Escape');
    await partner.getByRole('tab', { name: 'Audit trail' }).click();
    await poll(() => partner.getByRole('table', { name: 'Audit trail' }).isVisible()).toBe(true);
    await shot(partner, '27-audit-trail', width);
    await partner.close();

    const delegated = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/delegated-admin', width);
    await poll(() => delegated.getByRole('table', { name: 'Delegated-admin relationships' }).isVisible()).toBe(true);
    await shot(delegated, '28-delegated-admin', width);
    await delegated.close();
  });
});

describe.runIf(enabled)('screenshots: the customer accepting delegated administration', () => {
  // Its administrator signs in to accept (a wrong password first), then keeps its link to end it.
  it.each([1280, 390])('at %i px', async (width) => {
    const northwind = await dashboard.signIn(DEMO.users.contosoAdmin.email, `/customers/${DEMO.customers.northwind}`, width);
    const { link, userName, password } = await offerDelegatedAdminToNorthwind(northwind);
    await northwind.close();
    const customer = await dashboard.browser.newPage({ viewport: screenshotViewport(width) });
    await customer.goto(`${dashboard.origin}${link}`);
    await signInToAccept(customer, userName, 'not-the-password');
    await poll(() => customer.getByText('The user name or password is incorrect', { exact: false }).isVisible()).toBe(true);
    await shot(customer, '35-accept-delegated-admin', width);
    await signInToAccept(customer, userName, password);
    await poll(() => customer.getByRole('heading', { name: 'Delegated administration accepted' }).isVisible()).toBe(true);
    await shot(customer, '36-accept-delegated-admin-accepted', width);
    await customer.close();
  });
});

describe.runIf(enabled)('screenshots in French (fr-FR browser)', () => {
  it.each([1280, 390])(
    'at %i px',
    async (width) => {
      const signIn = await dashboard.browser.newPage({ viewport: { width, height: 800 }, locale: 'fr-FR' });
      await signIn.goto(`${dashboard.origin}/sign-in`);
      await poll(() => signIn.getByRole('button', { name: DEMO.users.contosoAdmin.email }).isVisible()).toBe(true);
      await shot(signIn, 'fr-01-sign-in', width);
      await signIn.close();

      const page = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/customers?search=north', width, 'fr-FR');
      await page.getByRole('button', { name: 'Northwind Traders' }).click();
      await poll(() => page.getByRole('link', { name: 'Microsoft 365 Business Standard' }).isVisible()).toBe(true);
      await shot(page, 'fr-02-customers', width);

      await page.getByRole('link', { name: 'Microsoft 365 Business Standard' }).click();
      // Each width makes its own change (the audit trail then shows it), from the count the English screens left.
      await poll(() => page.getByLabel('Nombre de licences actuel').textContent()).toMatch(/^\d+$/);
      const count = String(Number(await page.getByLabel('Nombre de licences actuel').textContent()) + 2);
      await page.getByRole('button', { name: 'Modifier la quantité' }).click();
      await page.getByLabel('Nouveau nombre de licences').fill(count);
      await page.getByRole('button', { name: 'Vérification' }).click();
      await poll(() => page.getByText(`à ${count} licences`).isVisible()).toBe(true);
      await shot(page, 'fr-03-subscription-review', width);
      await page.getByRole('button', { name: 'Confirmer la modification' }).click();
      await poll(() => page.getByLabel('Nombre de licences actuel').textContent()).toBe(count);
      // Its notice closes by itself; the next screenshots show the screens, not the notice over their header.
      await closedByItself(page.getByRole('alert').filter({ hasText: 'Nombre de licences passé' }));

      await page.getByRole('link', { name: 'Northwind Traders' }).click();
      await page.getByRole('main').getByRole('link', { name: 'Clients' }).click();
      await page.getByRole('link', { name: 'Ajouter un client' }).click();
      await page.getByRole('textbox', { name: 'Nom de la société', exact: true }).fill('Café Lumière');
      await page.getByRole('textbox', { name: 'Préfixe de domaine', exact: true }).fill(`cafelumiere${width}`);
      await page.getByRole('combobox', { name: 'Pays' }).click();
      await poll(() => page.getByRole('option', { name: 'Belgique' }).isVisible()).toBe(true);
      await shot(page, 'fr-05-add-customer-countries', width);
      await page.getByRole('option', { name: 'France' }).click();
      for (const [label, value] of [
        ['Adresse (ligne 1)', '3 place Bellecour'],
        ['Ville', 'Lyon'],
        ['Code postal', '69002'],
        ['Prénom du contact', 'Camille'],
        ['Nom du contact', 'Durand'],
        ['Adresse de courrier du contact', 'camille@cafelumiere.example'],
        ['Téléphone du contact', '+33 4 72 00 00 00'],
      ]) {
        await page.getByRole('textbox', { name: label, exact: true }).fill(value!);
      }
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByRole('combobox', { name: 'Offre' }).click();
      await page.getByRole('option', { name: 'Microsoft 365 Business Standard' }).click();
      await page.getByRole('textbox', { name: 'Nombre de licences' }).fill('5');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await poll(() => page.getByRole('button', { name: 'Créer le client' }).isVisible()).toBe(true);
      await shot(page, 'fr-06-add-customer-review', width);
      await page.close();

      const offers = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/invitations', width, 'fr-FR');
      await offers.getByRole('combobox', { name: 'Offre 1', exact: true }).click();
      await offers.getByRole('option', { name: 'Microsoft 365 Business Basic' }).click();
      await offers.getByLabel('Licences proposées, offre 1').fill('10');
      await offers.getByRole('button', { name: 'Créer l’offre d’achat' }).click();
      await poll(() => offers.getByRole('table', { name: 'Offres d’achat' }).isVisible()).toBe(true);
      await closedByItself(offers.getByRole('alert').filter({ hasText: 'Offre d’achat créée' }));
      await shot(offers, 'fr-30-purchase-offers', width);
      await offers.close();

      const partner = await dashboard.signIn(DEMO.users.contosoAdmin.email, '/partner', width, 'fr-FR');
      await partner.getByRole('tab', { name: 'Journal d’audit' }).click();
      await poll(() => partner.getByRole('table', { name: 'Journal d’audit' }).isVisible()).toBe(true);
      await shot(partner, 'fr-27-audit-trail', width);
      await partner.close();
    },
    180_000,
  );
});
