import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright downloads no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumMissing = !existsSync(CHROMIUM);

/** Without Chromium the browser tests are skipped on a developer's machine, and fail in CI. */
export function requireChromiumInCi(): void {
  if (chromiumMissing && process.env.CI === 'true') {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the dashboard's browser tests need it (apt-get install -y chromium, or set CHROMIUM_PATH).`,
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** How long a person waits for the page to settle (more than Vitest's 1 s default on a busy machine). */
export const SETTLE_MS = 20_000;

/** Waits for what a person would wait for: the page as it settles. */
export const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: SETTLE_MS });
