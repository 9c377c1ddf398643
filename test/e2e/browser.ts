import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The one way the browser tests start Chromium: the system binary, headless, no network chatter, a fresh profile. */

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** A fresh profile per run (playwright passes it to Chromium as --user-data-dir) so no state leaks between runs. */
export function launchChromium(viewport: { width: number; height: number }, userDataDir = mkdtempSync(join(tmpdir(), 'pl-e2e-'))): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [...CHROMIUM_ARGS],
  });
}
