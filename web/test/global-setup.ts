import { ensureDashboardBuilt } from '../build.js';
import { chromiumMissing } from './browser.js';

/**
 * Builds the dashboard once per run, before any test file starts (files run in parallel and
 * must not build it twice at once); only the browser tests need it.
 */
export default async function setup(): Promise<void> {
  if (!chromiumMissing) await ensureDashboardBuilt();
}
