// The admin console in a real browser: headless Chromium (Debian's, through playwright-core)
// drives the built console against an in-process gateway with a priced mock provider. One
// scenario, step by step, all through the UI: sign in, create a key, find the request it made
// and its decision trace, watch the spend move, revoke the key; plus the audit check and the
// CSRF guard. Each step saves a screenshot to test-artifacts/console/ (CI keeps the directory).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildConsole,
  chromiumAvailable,
  chromiumPath,
  launchChromium,
  repositoryRoot,
  signIn,
} from '../helpers/console-browser.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const requireTools = process.env.SIGNALBOX_REQUIRE_TOOLS === '1';
const haveChromium = chromiumAvailable();

// Five output tokens at $1000 per million: each chat request costs $0.005, visible at the
// overview's five decimals.
// The shipped MMLU router, for the routing page (no alias uses it, so no request goes through it).
const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
routers:
  - name: mmlu
    artifact: ${join(repositoryRoot, 'data/routers/mmlu-gpt4-mixtral.json')}
    strong_share: 0.3
    models:
      gpt-4-1106-preview: chat
      mistralai/Mixtral-8x7B-Instruct-v0.1: chat
models:
  - alias: chat
    targets: [{ provider: priced, model: echo }]
`;
const requestCostUsd = 0.005;

const artifactDirectory = join(repositoryRoot, 'test-artifacts', 'console');
const stepTimeoutMs = 60_000;

let buildDirectory: string;
let harness: TestGateway;
let browser: Browser;
let page: Page;

/** Shared between the steps, which run in order (a file's tests never run concurrently). */
const state: { key?: string; keyId?: string; requestId?: string; spendBefore?: number } = {};

async function screenshot(step: string): Promise<void> {
  await page.screenshot({ path: join(artifactDirectory, `${step}.png`), fullPage: true });
}

/** The overview's spend figure ("$0.00500", "$0" or "–" while loading) as a number. */
async function readSpend(): Promise<number> {
  const spend = page.getByTestId('overview-spend');
  await expect.poll(() => spend.textContent(), { timeout: 10_000 }).toMatch(/^\$[\d.]+$/);
  return Number((await spend.textContent())!.slice(1));
}

/**
 * Loads a console page afresh by its hash route (a new document, so its data is fetched again)
 * and waits until `testId` is shown.
 */
async function open(route: string, testId: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${harness.url}/ui/#/${route}`);
  await page.getByTestId(testId).first().waitFor();
}

async function chat(key: string): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'chat',
      messages: [{ role: 'user', content: '!mock tokens=5\nhello from the browser test' }],
    }),
  });
}

it.runIf(!haveChromium)('needs Chromium for the console browser tests', (context) => {
  if (requireTools) {
    throw new Error(`${chromiumPath} is required (SIGNALBOX_REQUIRE_TOOLS=1)`);
  }
  context.skip(`${chromiumPath} is not installed; set SIGNALBOX_REQUIRE_TOOLS=1 to require it`);
});

describe.runIf(haveChromium)(
  'the admin console in Chromium',
  { concurrent: false, shuffle: false },
  () => {
    beforeAll(async () => {
      mkdirSync(artifactDirectory, { recursive: true });
      // CI runs `npm test` before `npm run build`: build the console from ui/ for this test.
      buildDirectory = mkdtempSync(join(tmpdir(), 'signalbox-console-build-'));
      await buildConsole(buildDirectory);
      harness = await startTestGateway({ config, consoleDirectory: buildDirectory });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    }, 180_000);

    afterAll(async () => {
      // Undefined when beforeAll failed before starting them.
      await (browser as Browser | undefined)?.close();
      await (harness as TestGateway | undefined)?.close();
      rmSync(buildDirectory, { recursive: true, force: true });
    }, 60_000);

    it(
      'signs in with the admin key',
      async () => {
        await page.goto(`${harness.url}/ui/`);
        await page.getByTestId('sign-in-form').waitFor();
        await screenshot('01-sign-in');
        // A wrong key is refused on the form.
        await page.getByTestId('sign-in-key').fill('not-a-key-0123456789');
        await page.getByTestId('sign-in-submit').click();
        await page.getByTestId('sign-in-error').waitFor();
        await signIn(page, harness.url, testAdminKey);
        await expect.poll(() => page.getByTestId('session-caller').textContent()).toMatch(/admin/);
        state.spendBefore = await readSpend();
        await screenshot('02-overview-before');
      },
      stepTimeoutMs,
    );

    it(
      'creates a key and shows its secret once',
      async () => {
        await page.getByTestId('nav-keys').click();
        await page.getByTestId('key-create-form').waitFor();
        await page.getByTestId('key-create-name').fill('browser-test');
        await page.getByTestId('key-create-submit').click();
        const secret = page.getByTestId('key-secret');
        await secret.waitFor();
        state.key = (await secret.textContent())!.trim();
        expect(state.key).toMatch(/^sk-sb-/);
        const row = page.getByTestId('key-row').filter({ hasText: 'browser-test' });
        await row.waitFor();
        state.keyId = (await row.getAttribute('data-key-id'))!;
        expect(state.keyId).toBeTruthy();
        await screenshot('03-key-created');
        await page.getByTestId('key-secret-dismiss').click();
        await page.getByTestId('key-secret').waitFor({ state: 'detached' });
      },
      stepTimeoutMs,
    );

    it(
      'finds the request made with the key, and its decision trace',
      async () => {
        const response = await chat(state.key!);
        expect(response.status).toBe(200);
        await response.text();
        state.requestId = response.headers.get('x-signalbox-request-id')!;
        expect(state.requestId).toBeTruthy();

        // The log is written in batches (every 250 ms): reload and filter again until it is there.
        const row = page.locator(
          `[data-testid="request-row"][data-request-id="${state.requestId}"]`,
        );
        const deadline = performance.now() + 15_000;
        for (;;) {
          await open('requests', 'request-filters');
          await page.getByTestId('filter-key').fill(state.keyId!);
          const filtered = page.waitForResponse(
            (answer) =>
              answer.url().includes('/admin/requests?') &&
              answer.url().includes(`key_id=${encodeURIComponent(state.keyId!)}`),
          );
          await page.getByTestId('filter-apply').click();
          await filtered;
          const found = await row.waitFor({ timeout: 1000 }).then(
            () => true,
            () => false,
          );
          if (found) break;
          if (performance.now() > deadline) throw new Error('the request never appeared');
        }
        // Filtered by key: every row shown is that key's.
        const keys = await page
          .getByTestId('request-row')
          .locator('td:nth-child(5)')
          .allTextContents();
        expect(keys.length).toBeGreaterThan(0);
        expect(new Set(keys)).toEqual(new Set([state.keyId]));
        await screenshot('04-requests-filtered');

        await row.getByTestId('request-link').click();
        const detail = page.getByTestId('request-detail');
        await detail.waitFor();
        await expect.poll(() => detail.textContent()).toContain('priced/echo');
        expect(await detail.textContent()).toContain(state.keyId);
        await page.getByTestId('decision-trace').waitFor();
        // The router's reason for the single-target alias ("unknown" is the console's fallback).
        expect((await page.getByTestId('decision-reason').textContent())?.trim()).toBe('priority');
        await expect
          .poll(() => page.getByTestId('trace-candidate').allTextContents())
          .toEqual([expect.stringContaining('priced/echo')]);
        await expect(page.getByTestId('attempts-table').textContent()).resolves.toContain(
          'priced/echo',
        );
        await screenshot('05-request-detail');
      },
      stepTimeoutMs,
    );

    it(
      'shows the spend move on the overview',
      async () => {
        let spendAfter = state.spendBefore!;
        const deadline = performance.now() + 15_000;
        while (spendAfter <= state.spendBefore! && performance.now() < deadline) {
          await open('overview', 'overview-spend');
          spendAfter = await readSpend();
        }
        expect(spendAfter).toBeGreaterThan(state.spendBefore!);
        expect(spendAfter - state.spendBefore!).toBeCloseTo(requestCostUsd, 5);
        await page.getByTestId('overview-model-row').filter({ hasText: 'chat' }).waitFor();
        await screenshot('06-overview-after');
      },
      stepTimeoutMs,
    );

    it(
      'revokes the key, which then stops working',
      async () => {
        await open('keys', 'key-table');
        const row = page.locator(`[data-testid="key-row"][data-key-id="${state.keyId!}"]`);
        await row.getByTestId('key-revoke').click();
        await screenshot('07-key-revoke-confirm');
        await row.getByTestId('key-revoke-confirm').click();
        // Revoked keys leave the default list, and show as revoked with "Show revoked".
        await row.waitFor({ state: 'detached' });
        await page.getByLabel('Show revoked').check();
        await row.waitFor();
        await expect.poll(() => row.textContent()).toContain('revoked');
        await expect(row.getByTestId('key-revoke').count()).resolves.toBe(0);
        await screenshot('08-key-revoked');

        const refused = await chat(state.key!);
        expect(refused.status).toBe(401);
        await refused.text();
      },
      stepTimeoutMs,
    );

    it(
      "charts a learned router's held-out quality curve and its figures on the routing page",
      async () => {
        await open('routing', 'router-card');
        await page.getByTestId('router-quality-curve').locator('canvas').waitFor();
        await page.getByTestId('router-curve').locator('canvas').waitFor();
        // The figures are the artifact's own (docs/routing-quality.md, section 7).
        const curve = (await (
          await harness.admin('GET', '/admin/routing/routers/mmlu/curve')
        ).json()) as { validation: { apgr: number; cpt50: number } };
        await expect
          .poll(() => page.getByTestId('router-apgr').textContent())
          .toBe(curve.validation.apgr.toFixed(3));
        expect(await page.getByTestId('router-cpt50').textContent()).toBe(
          `${(curve.validation.cpt50 * 100).toFixed(1)}%`,
        );
        await screenshot('09-routing-quality');
      },
      stepTimeoutMs,
    );

    it(
      'verifies the audit chain from the audit page',
      async () => {
        await page.getByTestId('nav-audit').click();
        await page.getByTestId('audit-verify').click();
        const result = page.getByTestId('audit-verify-result');
        await result.waitFor();
        expect(await result.getAttribute('data-ok')).toBe('true');
        await screenshot('10-audit-verified');
      },
      stepTimeoutMs,
    );

    it(
      'refuses a cookie-authenticated write without the CSRF token',
      async () => {
        const attempt = (withToken: boolean) =>
          page.evaluate(async (sendToken) => {
            const session = (await (await fetch('/admin/session')).json()) as {
              csrf_token: string;
            };
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (sendToken) headers['x-csrf-token'] = session.csrf_token;
            const response = await fetch('/admin/keys', {
              method: 'POST',
              headers,
              body: JSON.stringify({ name: sendToken ? 'csrf-with-token' : 'csrf-without-token' }),
            });
            return { status: response.status, body: await response.text() };
          }, withToken);
        const refused = await attempt(false);
        expect(refused.status).toBe(403);
        expect(refused.body).toContain('SB_ERR_AUTH_CSRF');
        // The same request with the session's token goes through: the token is what was missing.
        expect((await attempt(true)).status).toBe(201);
        const listed = (await (await harness.admin('GET', '/admin/keys')).json()) as {
          data: { name: string }[];
        };
        const names = listed.data.map((key) => key.name);
        expect(names).toContain('csrf-with-token');
        expect(names).not.toContain('csrf-without-token');
      },
      stepTimeoutMs,
    );
  },
);
