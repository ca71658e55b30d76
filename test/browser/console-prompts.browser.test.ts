// The console's Prompts and Context pages in a real browser: headless Chromium (Debian's, through
// playwright-core) drives the built console against an in-process gateway with a mock provider.
// Every change is made through the UI (new versions, a template error, label moves, a canary
// split, a rollback, a document's approval, attachment and revocation); the admin API and the
// request log only check what happened. Chat requests naming the prompt or reaching the attached
// document show up in the per-version stats and in the request's provenance. A viewer then sees
// both pages without any write control. Screenshots go to test-artifacts/console-prompts/.
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

const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
models:
  - alias: chat
    targets: [{ provider: priced, model: echo }]
`;

const promptId = 'support-answer';
const documentId = 'refund-policy';
const artifactDirectory = join(repositoryRoot, 'test-artifacts', 'console-prompts');
const stepTimeoutMs = 60_000;

let buildDirectory: string;
let harness: TestGateway;
let browser: Browser;
let page: Page;

/** Shared between the steps, which run in order (a file's tests never run concurrently). */
const state: { modelKey?: string } = {};

interface Target {
  readonly version: number;
  readonly weight: number;
}
interface PromptDetail {
  readonly labels: readonly { readonly label: string; readonly targets: readonly Target[] }[];
  readonly versions: readonly { readonly version: number }[];
  readonly history: readonly { readonly label: string; readonly targets: readonly Target[] }[];
}
interface RequestContext {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly handling: string;
  readonly attachment: string;
}

async function screenshot(step: string): Promise<void> {
  await page.screenshot({ path: join(artifactDirectory, `${step}.png`), fullPage: true });
}

/** Loads a console page afresh by its hash route and waits until `testId` is shown. */
async function open(route: string, testId: string, on: Page = page): Promise<void> {
  await on.goto('about:blank');
  await on.goto(`${harness.url}/ui/#/${route}`);
  await on.getByTestId(testId).first().waitFor();
}

async function adminJson<T>(path: string): Promise<T> {
  const response = await harness.admin('GET', path);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Where the prompt's `label` points, as the admin API says ([] when it has no such label). */
async function labelTargets(label: string): Promise<readonly Target[]> {
  const detail = await adminJson<PromptDetail>(`/admin/prompts/${promptId}`);
  return detail.labels.find((entry) => entry.label === label)?.targets ?? [];
}

/** A chat request for the alias `chat` as `endUser`, with `extra` merged into the body. */
async function chat(endUser: string, extra: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${state.modelKey!}`,
      'content-type': 'application/json',
      'x-signalbox-end-user': endUser,
    },
    body: JSON.stringify({ model: 'chat', ...extra }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const requestId = response.headers.get('x-signalbox-request-id');
  expect(requestId).toBeTruthy();
  return requestId!;
}

/** The request log's entry for `requestId`, polled until the batched writer has stored it. */
async function loggedRequest(requestId: string): Promise<Record<string, unknown>> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const response = await harness.admin('GET', `/admin/requests/${requestId}`);
    if (response.status === 200) return (await response.json()) as Record<string, unknown>;
    await response.text();
    if (performance.now() > deadline) throw new Error(`request ${requestId} was never logged`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The context documents a logged request carried (the provenance the audit record has too). */
async function contextOf(requestId: string): Promise<readonly RequestContext[] | undefined> {
  const logged = await loggedRequest(requestId);
  const detail = (logged.detail ?? logged) as { context?: readonly RequestContext[] };
  return detail.context;
}

it.runIf(!haveChromium)('needs Chromium for the console browser tests', (context) => {
  if (requireTools) {
    throw new Error(`${chromiumPath} is required (SIGNALBOX_REQUIRE_TOOLS=1)`);
  }
  context.skip(`${chromiumPath} is not installed; set SIGNALBOX_REQUIRE_TOOLS=1 to require it`);
});

describe.runIf(haveChromium)(
  "the console's prompts and context pages in Chromium",
  { concurrent: false, shuffle: false },
  () => {
    beforeAll(async () => {
      mkdirSync(artifactDirectory, { recursive: true });
      // CI runs `npm test` before `npm run build`: build the console from ui/ for this test.
      buildDirectory = mkdtempSync(join(tmpdir(), 'signalbox-console-build-'));
      await buildConsole(buildDirectory);
      harness = await startTestGateway({ config, consoleDirectory: buildDirectory });
      state.modelKey = await harness.createKey({ name: 'prompt-client' });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, harness.url, testAdminKey);
    }, 180_000);

    afterAll(async () => {
      // Undefined when beforeAll failed before starting them.
      await (browser as Browser | undefined)?.close();
      await (harness as TestGateway | undefined)?.close();
      rmSync(buildDirectory, { recursive: true, force: true });
    }, 60_000);

    it(
      'creates a prompt, shows a template error, and stores a second version',
      async () => {
        await page.getByTestId('nav-prompts').click();
        const form = page.getByTestId('prompt-version-form');
        await form.waitFor();
        await form.getByTestId('prompt-version-id').fill(promptId);
        const contents = form.getByTestId('prompt-message-content');
        await contents.nth(0).fill('You are the support assistant of {{ company }}.');
        await contents.nth(1).fill('{{question}}');
        await form.getByTestId('prompt-version-note').fill('first version');
        // `company` is not declared: the gateway refuses the template and says which placeholder.
        await form
          .getByTestId('prompt-version-variables')
          .fill(JSON.stringify({ question: { type: 'string' } }));
        await form.getByTestId('prompt-version-submit').click();
        const error = form.getByTestId('prompt-version-error');
        await error.waitFor();
        expect(await error.textContent()).toMatch(/company/);
        expect((await harness.admin('GET', `/admin/prompts/${promptId}`)).status).toBe(404);
        await screenshot('01-prompt-template-error');

        await form.getByTestId('prompt-version-variables').fill(
          JSON.stringify({
            company: { type: 'string', default: 'Acme' },
            question: { type: 'string' },
          }),
        );
        await form.getByTestId('prompt-version-submit').click();
        // Stored: the page moves to the new prompt.
        await page.getByTestId('prompt-version-row').first().waitFor();
        expect(page.url()).toContain(`#/prompts/${promptId}`);

        const next = page.getByTestId('prompt-version-form');
        await next.getByTestId('prompt-message-content').nth(0).fill('You help {{ company }}.');
        await next.getByTestId('prompt-message-content').nth(1).fill('Please: {{question}}');
        await next.getByTestId('prompt-version-variables').fill(
          JSON.stringify({
            company: { type: 'string', default: 'Acme' },
            question: { type: 'string' },
          }),
        );
        await next.getByTestId('prompt-version-note').fill('politer');
        await next.getByTestId('prompt-version-submit').click();
        await expect
          .poll(() => next.getByTestId('prompt-version-result').textContent())
          .toContain('Stored version 2');
        await expect.poll(() => page.getByTestId('prompt-version-row').count()).toBe(2);
        const detail = await adminJson<PromptDetail>(`/admin/prompts/${promptId}`);
        expect(detail.versions.map((entry) => entry.version).sort()).toEqual([1, 2]);
        await screenshot('02-prompt-two-versions');
      },
      stepTimeoutMs,
    );

    it(
      'points production at v1, then splits it 50/50 with v2, through the label forms',
      async () => {
        await page.getByTestId('prompt-label-add').click();
        const addForm = page.getByTestId('prompt-label-form');
        await addForm.getByTestId('prompt-label-name').fill('production');
        await addForm.getByTestId('prompt-label-version').selectOption('1');
        await addForm.getByTestId('prompt-label-submit').click();
        const row = page.locator('[data-testid="prompt-label-row"][data-label="production"]');
        await expect.poll(() => row.getByTestId('prompt-label-targets').textContent()).toBe('v1');
        expect(await labelTargets('production')).toEqual([{ version: 1, weight: 1 }]);

        await row.getByTestId('prompt-label-move').click();
        const moveForm = row.getByTestId('prompt-label-form');
        await moveForm.getByTestId('prompt-label-split').click();
        const targets = moveForm.getByTestId('prompt-label-target');
        await targets.nth(1).getByTestId('prompt-label-version').selectOption('2');
        await targets.nth(0).getByTestId('prompt-label-weight').fill('50');
        await targets.nth(1).getByTestId('prompt-label-weight').fill('50');
        await screenshot('03-prompt-label-split-form');
        await moveForm.getByTestId('prompt-label-submit').click();
        await expect
          .poll(() => row.getByTestId('prompt-label-targets').textContent())
          .toMatch(/^v1 .*50%.*v2 .*50%/);
        expect(await labelTargets('production')).toEqual([
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ]);
        await screenshot('04-prompt-label-split');
      },
      stepTimeoutMs,
    );

    it(
      'shows canary traffic per version, then rolls the label back and lists the moves',
      async () => {
        // Eight end users: the split picks a version per end user (a hash), the same each time.
        const served = new Map<number, number>();
        for (const user of ['ada', 'bo', 'cy', 'di', 'ed', 'flo', 'gus', 'hal']) {
          const requestId = await chat(user, {
            prompt: { id: promptId, variables: { question: `Where is ${user}'s parcel?` } },
          });
          const record = await harness.waitForRecord((entry) => entry.requestId === requestId);
          expect(record.prompt?.id).toBe(promptId);
          expect(record.prompt?.label).toBe('production');
          const version = record.prompt!.version;
          served.set(version, (served.get(version) ?? 0) + 1);
        }
        // The pick is a fixed hash, so these eight always land on both versions (4 and 4 today).
        expect([...served.keys()].sort()).toEqual([1, 2]);

        // The stats come from the request log, written in batches: reload until all are counted.
        const expected = [...served.entries()]
          .map(([version, count]) => `v${version}:${count}`)
          .sort();
        const deadline = performance.now() + 15_000;
        for (;;) {
          await open(`prompts/${promptId}`, 'prompt-stats');
          const rows = page.getByTestId('prompt-stats-row');
          await rows
            .first()
            .waitFor({ timeout: 2000 })
            .catch(() => undefined);
          // "v<version>:<requests>" for each row shown.
          const shown: string[] = [];
          for (const row of await rows.all()) {
            const requests = await row.locator('td:nth-child(3)').textContent();
            shown.push(`v${await row.getAttribute('data-version')}:${requests}`);
          }
          if (JSON.stringify([...shown].sort()) === JSON.stringify(expected)) break;
          if (performance.now() > deadline) {
            expect([...shown].sort(), 'the stats table never showed the requests').toEqual(
              expected,
            );
          }
        }
        await screenshot('05-prompt-stats');

        const row = page.locator('[data-testid="prompt-label-row"][data-label="production"]');
        await row.getByTestId('prompt-label-rollback').click();
        await expect.poll(() => row.getByTestId('prompt-label-targets').textContent()).toBe('v1');
        expect(await labelTargets('production')).toEqual([{ version: 1, weight: 1 }]);
        // Three moves, newest first: the rollback, the split, the first pointing.
        await expect
          .poll(() =>
            page.getByTestId('prompt-history-row').locator('td:nth-child(3)').allTextContents(),
          )
          .toEqual(['v1', expect.stringMatching(/^v1 .*50%.*v2 .*50%/), 'v1']);
        const history = (await adminJson<PromptDetail>(`/admin/prompts/${promptId}`)).history;
        expect(history).toHaveLength(3);
        await screenshot('06-prompt-rolled-back');
      },
      stepTimeoutMs,
    );

    it(
      'stores, approves and attaches a context document, which the next request carries',
      async () => {
        await open('context', 'context-document-table');
        const form = page.getByTestId('context-version-form');
        await form.getByTestId('context-version-id').fill(documentId);
        await form.getByTestId('context-version-title').fill('Refund policy');
        await form.getByTestId('context-version-owner').fill('support-ops');
        await form
          .getByTestId('context-version-content')
          .fill('Refunds are accepted within 30 days of delivery, with the receipt.');
        await form.getByTestId('context-version-submit').click();
        const version = page.locator('[data-testid="context-version-row"][data-version="1"]');
        await version.waitFor();
        expect(page.url()).toContain(`#/context/${documentId}`);
        await expect
          .poll(() => version.getByTestId('context-version-status').textContent())
          .toBe('draft');

        await version.getByTestId('context-version-approve').click();
        await expect
          .poll(() => version.getByTestId('context-version-status').textContent())
          .toBe('approved');
        await expect(version.getByTestId('context-version-approve').count()).resolves.toBe(0);

        const attach = page.getByTestId('context-attach-form');
        await attach.getByTestId('context-attach-scope').selectOption('alias');
        await attach.getByTestId('context-attach-target').fill('chat');
        await attach.getByTestId('context-attach-submit').click();
        const attachment = page.getByTestId('context-attachment-row');
        await attachment.waitFor();
        expect(await attachment.textContent()).toContain('chat');
        const attachmentId = (await attachment.getAttribute('data-attachment-id'))!;
        expect(attachmentId).toBeTruthy();
        await screenshot('07-context-attached');

        const requestId = await chat('ada', {
          messages: [{ role: 'user', content: 'Can I return this?' }],
        });
        expect(await contextOf(requestId)).toEqual([
          expect.objectContaining({
            id: documentId,
            version: 1,
            status: 'approved',
            handling: 'served',
            attachment: attachmentId,
          }),
        ]);
      },
      stepTimeoutMs,
    );

    it(
      'revokes the document with a reason, and the next request gets the caveat',
      async () => {
        const version = page.locator('[data-testid="context-version-row"][data-version="1"]');
        await version.getByTestId('context-version-revoke').click();
        await version.getByTestId('context-revoke-reason').fill('superseded by the new terms');
        await version.getByTestId('context-revoke-confirm').click();
        await expect
          .poll(() => version.getByTestId('context-version-status').textContent())
          .toBe('revoked');
        expect(await version.textContent()).toContain('superseded by the new terms');
        await expect(version.getByTestId('context-version-revoke').count()).resolves.toBe(0);
        // The attachment's serving pill follows the version.
        await expect
          .poll(() => page.getByTestId('context-attachment-row').textContent())
          .toContain('revoked');
        await screenshot('08-context-revoked');

        // A new version starts as a draft (title and owner carried over) and serves nothing yet.
        const form = page.getByTestId('context-version-form');
        expect(await form.getByTestId('context-version-title').inputValue()).toBe('Refund policy');
        expect(await form.getByTestId('context-version-owner').inputValue()).toBe('support-ops');
        await form
          .getByTestId('context-version-content')
          .fill('Refunds are accepted within 60 days of delivery.');
        await form.getByTestId('context-version-submit').click();
        const draft = page.locator('[data-testid="context-version-row"][data-version="2"]');
        await expect
          .poll(() => draft.getByTestId('context-version-status').textContent())
          .toBe('draft');
        await draft.getByTestId('context-version-approve').waitFor();

        // On the list page too: the draft replaces nothing, so revoked v1 is still what is served.
        await open('context', 'context-document-row');
        await expect
          .poll(() =>
            page
              .locator(`[data-testid="context-document-row"][data-document="${documentId}"]`)
              .getByTestId('context-document-serving')
              .textContent(),
          )
          .toBe('v1 revoked');

        // The attachment's on_stale rule (caveat, the default) now applies.
        const requestId = await chat('bo', {
          messages: [{ role: 'user', content: 'And now?' }],
        });
        expect(await contextOf(requestId)).toEqual([
          expect.objectContaining({ id: documentId, status: 'revoked', handling: 'caveated' }),
        ]);
      },
      stepTimeoutMs,
    );

    it(
      'shows a viewer both pages without any write control',
      async () => {
        const created = await harness.admin('POST', '/admin/keys', {
          name: 'console-viewer',
          role: 'viewer',
        });
        const createdText = await created.text();
        expect(created.status, createdText).toBe(201);
        const viewerKey = (JSON.parse(createdText) as { key: string }).key;

        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        try {
          const viewer = await context.newPage();
          await signIn(viewer, harness.url, viewerKey);
          const none = async (...testIds: string[]): Promise<void> => {
            for (const testId of testIds) {
              await expect(viewer.getByTestId(testId).count(), testId).resolves.toBe(0);
            }
          };

          await open('prompts', 'prompt-row', viewer);
          await none('prompt-version-form');
          await open(`prompts/${promptId}`, 'prompt-label-row', viewer);
          await viewer.getByTestId('prompt-stats-row').first().waitFor();
          await viewer.getByTestId('prompt-version-show').first().click();
          await viewer.getByTestId('prompt-version-show').first().getByText('Hide').waitFor();
          await viewer.locator('.trace-group').first().waitFor();
          await none(
            'prompt-label-move',
            'prompt-label-rollback',
            'prompt-label-remove',
            'prompt-label-add',
            'prompt-version-form',
            'prompt-version-start-from',
          );
          await viewer.screenshot({
            path: join(artifactDirectory, '09-viewer-prompt.png'),
            fullPage: true,
          });

          await open('context', 'context-document-row', viewer);
          await viewer.getByTestId('context-attachment-row').first().waitFor();
          await none('context-version-form', 'context-attach-form', 'context-attachment-remove');
          await open(`context/${documentId}`, 'context-version-row', viewer);
          await viewer.getByTestId('context-attachment-row').first().waitFor();
          // v2 is a draft, which a writer could approve or revoke.
          await expect.poll(() => viewer.getByTestId('context-version-row').count()).toBe(2);
          await none(
            'context-version-approve',
            'context-version-revoke',
            'context-attach-form',
            'context-attachment-remove',
            'context-version-form',
          );
          await viewer.screenshot({
            path: join(artifactDirectory, '10-viewer-context.png'),
            fullPage: true,
          });
        } finally {
          await context.close();
        }
      },
      stepTimeoutMs,
    );
  },
);
