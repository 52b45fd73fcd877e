import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startStack, type Stack } from '../../test/stack.js';
import { DASHBOARD } from '../build.js'; // built by web/test/global-setup.ts
import { chromiumMissing, launchChromium, poll, SETTLE_MS } from './browser.js';

export interface Dashboard {
  readonly stack: Stack;
  /** The gateway's origin, which serves the dashboard. */
  readonly origin: string;
  readonly browser: Browser;
  signIn: DemoSignIns['signIn'];
  signOut: DemoSignIns['signOut'];
}

/**
 * A browser test file's dashboard: before its tests, the whole federation with its workers
 * serving the built dashboard as `npm start` does (only the build's persisted documents, unless
 * `persistedDocumentsOnly` is false), `prepare` run on it, and Chromium; after them, both stopped.
 * Nothing starts unless `enabled` (by default: Chromium is installed).
 */
export function useDashboard(
  options: { enabled?: boolean; persistedDocumentsOnly?: boolean; viewport?: Viewport; prepare?: (stack: Stack) => Promise<unknown> } = {},
): Dashboard {
  let running: { stack: Stack; origin: string; browser: Browser } & DemoSignIns;
  beforeAll(async () => {
    if (!(options.enabled ?? !chromiumMissing)) return;
    const persisted: Record<string, string> = options.persistedDocumentsOnly === false ? {} : { PERSISTED_DOCUMENTS_ONLY: 'true' };
    const stack = await startStack({ workers: true, gatewayEnv: { DASHBOARD_DIR: DASHBOARD.dir, ...persisted } });
    await options.prepare?.(stack);
    const origin = new URL(stack.gatewayUrl).origin;
    const browser = await launchChromium();
    running = { stack, origin, browser, ...demoSignIns(browser, origin, options.viewport) };
  });
  // A failed test says what each open page showed (its address and what a screen reader reads).
  beforeEach((context) => {
    context.onTestFailed(async () => {
      for (const page of running?.browser.contexts().flatMap((each) => each.pages()) ?? []) {
        const seen = await page
          .locator('body')
          .ariaSnapshot({ timeout: 2_000 })
          .catch((error: Error) => `(unreadable: ${error.message})`);
        console.error(`Open page ${page.url()}:\n${seen}`);
      }
    });
  });
  afterAll(async () => {
    await running?.browser.close();
    await running?.stack.stop();
  });
  return {
    get stack() {
      return running.stack;
    },
    get origin() {
      return running.origin;
    },
    get browser() {
      return running.browser;
    },
    signIn: (...args) => running.signIn(...args),
    signOut: (page) => running.signOut(page),
  };
}

type Viewport = (width: number) => { width: number; height: number };

/** The browser languages the tests run the dashboard in. */
export type Locale = 'en-GB' | 'fr-FR';

const SIGN_OUT: Record<Locale, { accountMenu: RegExp; signOut: string; signIn: string }> = {
  'en-GB': { accountMenu: /: account menu$/, signOut: 'Sign out', signIn: 'Sign in to the partner admin center' },
  'fr-FR': {
    accountMenu: / : menu du compte$/,
    signOut: 'Se déconnecter',
    signIn: 'Se connecter au Centre d’administration des partenaires',
  },
};

/** The viewport of screens the README shows: a laptop, or a phone at 390 px. */
export const screenshotViewport: Viewport = (width) => ({ width, height: width > 600 ? 800 : 844 });
type DemoSignIns = ReturnType<typeof demoSignIns>;

/**
 * Signing demo users in and out of the dashboard, as a person at one browser would. The token
 * lives in the app's memory only, so a page signs in on the sign-in screen it is sent to. A test
 * ends its session with `signOut` (the account menu's Sign out, which also forgets what that user
 * saw); the next `signIn` at the same width goes on in that page through the app's own routing
 * instead of loading the app again, which costs Chromium about a second each time. A page that
 * cannot be signed out (a dialog open over the header, an error screen) is closed.
 */
function demoSignIns(browser: Browser, origin: string, viewport: Viewport = (width) => ({ width, height: 900 })) {
  const signedOut = new Map<string, Page>();
  const locales = new Map<Page, Locale>();
  return {
    async signIn(email: string, path = '/customers', width = 1280, locale: Locale = 'en-GB'): Promise<Page> {
      const key = `${width} ${locale}`;
      let page = signedOut.get(key);
      signedOut.delete(key);
      if (page) {
        // What a click on a link does (React Router follows the history's popstate).
        await page.evaluate((to) => {
          window.history.pushState(null, '', to);
          window.dispatchEvent(new PopStateEvent('popstate'));
        }, path);
      } else {
        // The browser's language (Accept-Language, navigator.languages) chooses the dashboard's.
        page = await browser.newPage({ viewport: viewport(width), deviceScaleFactor: 1, locale });
        locales.set(page, locale);
        // An action that cannot happen fails naming its element, well before the test's own timeout.
        page.setDefaultTimeout(SETTLE_MS);
        await page.goto(`${origin}${path}`);
      }
      await page.getByRole('button', { name: email }).click();
      await poll(() => {
        const url = new URL(page.url());
        return url.pathname + url.search;
      }).toBe(path);
      return page;
    },
    async signOut(page: Page): Promise<void> {
      if (page.isClosed()) return;
      try {
        const words = SIGN_OUT[locales.get(page) ?? 'en-GB'];
        await page.getByRole('button', { name: words.accountMenu }).click({ timeout: 2_000 });
        await page.getByRole('menuitem', { name: words.signOut }).click({ timeout: 2_000 });
        await page.getByRole('heading', { name: words.signIn }).waitFor({ timeout: 5_000 });
      } catch {
        await page.close();
        return;
      }
      const key = `${page.viewportSize()!.width} ${locales.get(page) ?? 'en-GB'}`;
      if (signedOut.has(key)) await page.close();
      else signedOut.set(key, page);
    },
  };
}

/**
 * Picks `option` in a select as a person does: opens it (or types `search` into one that
 * filters) and clicks the option; again when the list closed before the click landed (a race of
 * dropdowns in a busy browser), until the field shows the option chosen.
 */
export async function choose(combobox: Locator, option: string, search?: string): Promise<void> {
  const choice = combobox.page().getByRole('option', { name: option, exact: true });
  let label: string | undefined;
  const chosen = async () => label !== undefined && (await combobox.inputValue()) === label;
  await poll(async () => {
    if (await chosen()) return true;
    if (search !== undefined) await combobox.fill(search);
    else if ((await combobox.getAttribute('aria-expanded')) !== 'true') await combobox.click();
    try {
      label = (await choice.textContent({ timeout: 2_000 }))?.trim();
      await choice.click({ timeout: 2_000 });
    } catch {
      // The list closed first: open it again.
    }
    return chosen();
  }).toBe(true);
}

/** Picks an offer and its number of seats in the add-customer form, then goes on. */
export async function chooseOffer(page: Page, offer: string, seats: string): Promise<void> {
  await choose(page.getByRole('combobox', { name: 'Offer' }), offer);
  await page.getByRole('textbox', { name: 'Number of seats' }).fill(seats);
  await page.getByRole('button', { name: 'Next' }).click();
}

/** The dialog that shows newly ordered product keys once, when it lists `count` of them, and the keys. */
export async function orderedKeys(page: Page, count: number): Promise<{ dialog: Locator; keys: string[] }> {
  const dialog = page.getByRole('dialog', { name: 'Your new product keys' });
  await poll(() => dialog.getByRole('listitem').count()).toBe(count);
  return { dialog, keys: (await dialog.getByRole('listitem').allTextContents()).map((key) => key.trim()) };
}

/**
 * On a partner's page of Northwind: resets the password of Northwind's administrator (Nadia
 * North) and offers delegated administration. Returns what the partner hands to the customer:
 * the acceptance link's path on this origin and that administrator's sign-in.
 */
export async function offerDelegatedAdminToNorthwind(partner: Page): Promise<{ link: string; userName: string; password: string }> {
  await partner.getByRole('tab', { name: 'Users' }).click();
  await partner.getByRole('button', { name: 'Reset password of Nadia North' }).click();
  const reset = partner.getByRole('dialog', { name: 'Password reset' });
  await poll(() => reset.getByLabel('Temporary password').textContent()).toMatch(/\S{8,}/);
  const password = (await reset.getByLabel('Temporary password').textContent())!.trim();
  await reset.getByRole('button', { name: 'I have copied it' }).click();
  await partner.getByRole('tab', { name: 'Delegated admin' }).click();
  await partner.getByRole('button', { name: 'Offer delegated administration' }).click();
  const dialog = partner.getByRole('dialog', { name: 'Delegated administration offered' });
  await poll(() => dialog.getByLabel('Acceptance link for the customer').textContent()).toMatch(/^https?:\/\/\S+/);
  const link = new URL((await dialog.getByLabel('Acceptance link for the customer').textContent())!).pathname;
  // The partner is shown the link to send, never the customer's link to end it.
  expect(await dialog.getByText(/delegated-admin\/end\//).count()).toBe(0);
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  return { link, userName: 'admin@northwindtraders.onmicrosoft.com', password };
}

/** On the customer's acceptance page of a delegated-admin offer: signs in as `userName` with `password` and accepts. */
export async function signInToAccept(customer: Page, userName: string, password: string): Promise<void> {
  const form = customer.getByRole('form', { name: 'Sign in as your administrator' });
  await form.getByLabel('User name').fill(userName);
  // The label, not the visibility toggle's "Toggle password visibility".
  await form.getByLabel(/^Password/).fill(password);
  await form.getByRole('button', { name: 'Accept delegated administration' }).click();
}
