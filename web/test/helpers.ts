import type { Browser, Locator, Page } from 'playwright-core';
import { startStack, type Stack } from '../../test/stack.js';
import { DASHBOARD } from '../build.js'; // built by web/test/global-setup.ts
import { launchChromium, poll } from './browser.js';

/**
 * The whole federation with its workers, serving the built dashboard as `npm start` does (only
 * the build's persisted documents, unless `persistedDocumentsOnly` is false), and Chromium.
 */
export async function startDashboard(options: { persistedDocumentsOnly?: boolean } = {}): Promise<{ stack: Stack; origin: string; browser: Browser }> {
  const persisted: Record<string, string> = options.persistedDocumentsOnly === false ? {} : { PERSISTED_DOCUMENTS_ONLY: 'true' };
  const stack = await startStack({ workers: true, gatewayEnv: { DASHBOARD_DIR: DASHBOARD.dir, ...persisted } });
  return { stack, origin: new URL(stack.gatewayUrl).origin, browser: await launchChromium() };
}

/** Picks an offer and its number of seats in the add-customer form, then goes on. */
export async function chooseOffer(page: Page, offer: string, seats: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Offer' }).click();
  await page.getByRole('option', { name: offer }).click();
  await page.getByRole('textbox', { name: 'Number of seats' }).fill(seats);
  await page.getByRole('button', { name: 'Next' }).click();
}

/** The dialog that shows newly ordered product keys once, when it lists `count` of them, and the keys. */
export async function orderedKeys(page: Page, count: number): Promise<{ dialog: Locator; keys: string[] }> {
  const dialog = page.getByRole('dialog', { name: 'Your new product keys' });
  await poll(() => dialog.getByRole('listitem').count()).toBe(count);
  return { dialog, keys: (await dialog.getByRole('listitem').allTextContents()).map((key) => key.trim()) };
}
