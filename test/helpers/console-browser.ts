// Shared by the console's browser tests (test/browser/) and its page-load benchmark
// (bench/console-pages.ts): builds the console into a directory of its own and drives Debian's
// Chromium through playwright-core. Browsers are never downloaded.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`); CI installs it when missing. */
export const chromiumPath = '/usr/bin/chromium';

/** Quiet, hermetic flags: no sandbox (containers), no GPU, no background traffic of its own. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export { buildConsole, repositoryRoot } from './build-console.ts';

/** Whether the browser tests can run here. */
export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

/** Headless Chromium with a fresh temporary profile (playwright's default for launch()). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** Opens the console at `gatewayUrl` and signs in with `key` through the sign-in form. */
export async function signIn(page: Page, gatewayUrl: string, key: string): Promise<void> {
  await page.goto(`${gatewayUrl}/ui/`);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('sign-in-key').fill(key);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('session-caller').waitFor();
}
