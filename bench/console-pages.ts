// How fast the console's pages show their data with 100 000 logged requests: seeds the request
// log of a temporary state directory, starts the gateway with the built console (dist/ui, built
// first when missing), signs in through the UI in headless Chromium and loads each page 5 times,
// timing navigation start to the moment the page's data is on screen. Prints medians and p95 as
// JSON and a markdown table, plus the admin API calls behind the pages timed from Node.
// Run with `npm run bench:console` (or `./node_modules/.bin/node bench/console-pages.ts [rows]`).
// A benchmark, not a test: figures vary by machine; docs/console.md records what they were.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LedgerEntry } from '../src/storage/ports.ts';
import type { RequestLogRow } from '../src/storage/request-log-store.ts';
import { SqlBudgetStore } from '../src/storage/sql/sql-budget-store.ts';
import { openSqliteDatabase } from '../src/storage/sqlite/open-sqlite-database.ts';
import { createSqliteRequestLogStore } from '../src/storage/sqlite/request-log-store.ts';
import { SqliteSqlDatabase } from '../src/storage/sqlite/sqlite-sql-database.ts';
import {
  buildConsole,
  chromiumAvailable,
  chromiumPath,
  launchChromium,
  repositoryRoot,
  signIn,
} from '../test/helpers/console-browser.ts';
import { startTestGateway, testAdminKey } from '../test/helpers/test-gateway.ts';

const rowCount = Number(process.argv[2] ?? 100_000);
const runs = 5;
const day = 86_400_000;
const router = join(repositoryRoot, 'data/routers/mmlu-gpt4-mixtral.json');

// Priced mocks behind direct, fallback and learned aliases; budgets per key, team and model.
const config = `
request_log: { retention_days: 60 }
providers:
  - id: strong
    type: mock
    model_facts: { echo: { price: { input: 30, output: 60 } } }
  - id: weak
    type: mock
    model_facts: { echo: { price: { input: 0.5, output: 1 } } }
  - id: backup
    type: mock
    model_facts: { echo: { price: { input: 2, output: 8 } } }
routers:
  - name: mmlu
    artifact: ${router}
    strong_share: 0.3
    models:
      gpt-4-1106-preview: gpt-4
      mistralai/Mixtral-8x7B-Instruct-v0.1: mixtral
models:
  - alias: gpt-4
    targets: [{ provider: strong, model: echo }]
  - alias: mixtral
    targets: [{ provider: weak, model: echo }]
  - alias: fast
    targets: [{ provider: weak, model: echo }, { provider: backup, model: echo }]
  - alias: assistant
    strategy: learned
    router: mmlu
    targets:
      - { alias: gpt-4 }
      - { alias: mixtral }
budgets:
  - { scope: key, usd: 50, period: day }
  - { scope: team, usd: 500, period: month }
  - { scope: model, match: assistant, usd: 1000, period: day }
`;

const policy = `name: bench
default: permit
rules:
  - name: no-secrets
    when: { data_classes: [secret] }
    action: deny
    reason: Requests must not contain credentials.
  - name: mask-cards
    when: { data_classes: [payment_card] }
    action: redact
    redact: { classes: [payment_card], style: mask }`;

// A small deterministic generator: the same rows on every run.
let seed = 7;
function next(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
function pick<T>(values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

interface SeedKey {
  readonly id: string;
  readonly secret: string;
  readonly team: string | null;
}

const teams = ['research', 'support', 'platform'];
const models = ['assistant', 'assistant', 'assistant', 'fast', 'fast', 'gpt-4', 'mixtral'];
const prompts = [
  'Prove that the square root of 2 is irrational.',
  'Summarise the plot of Hamlet in two sentences.',
  'What is 2 + 2?',
  'Write a haiku about trains.',
  'Explain the difference between TCP and UDP for a network engineering exam.',
];

/** Sends real requests so the seeded rows copy real decision traces, attempts and usage. */
async function sendSamples(url: string, keys: readonly SeedKey[]): Promise<void> {
  for (let index = 0; index < 40; index += 1) {
    const model = index % 10 === 9 ? 'no-such-model' : models[index % models.length]!;
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys[index % keys.length]!.secret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: prompts[index % prompts.length]! }],
      }),
    });
    await response.text();
  }
}

/** Real rows by requested model, whose detail, deployment and reason the seeded rows reuse. */
function templatesOf(rows: readonly RequestLogRow[]): Map<string, RequestLogRow[]> {
  const byModel = new Map<string, RequestLogRow[]>();
  for (const row of rows) {
    if (row.route !== '/v1/chat/completions' || row.requestedModel === null) continue;
    byModel.set(row.requestedModel, [...(byModel.get(row.requestedModel) ?? []), row]);
  }
  return byModel;
}

function seedRow(
  index: number,
  nowMs: number,
  keys: readonly SeedKey[],
  templates: Map<string, RequestLogRow[]>,
): RequestLogRow {
  // Spread over 30 days, denser toward now (traffic that grew).
  const at = nowMs - Math.floor(Math.pow(next(), 2) * 29.5 * day) - 1000;
  const key = pick(keys);
  const roll = next();
  const model = roll < 0.01 ? 'no-such-model' : pick(models);
  const template = pick(templates.get(model) ?? templates.get('fast')!);
  const failed = model !== 'no-such-model' && roll > 0.97;
  const rejected = model === 'no-such-model';
  const inputTokens = rejected ? null : 20 + Math.floor(next() * 4000);
  const outputTokens = rejected || failed ? null : 1 + Math.floor(next() * 1000);
  const strong = template.provider === 'strong';
  const costNanos =
    inputTokens === null || outputTokens === null
      ? null
      : Math.round((inputTokens * (strong ? 30 : 0.5) + outputTokens * (strong ? 60 : 1)) * 1000);
  const durationMs = Math.round((50 + Math.pow(next(), 3) * 8000) * 1000) / 1000;
  return {
    ...template,
    requestId: `bench-${index.toString(36).padStart(6, '0')}`,
    at,
    status: rejected ? 404 : failed ? 502 : 200,
    outcome: rejected ? 'rejected' : failed ? 'upstream-error' : 'completed',
    keyId: key.id,
    org: 'default',
    team: key.team,
    userId: null,
    stream: next() < 0.4,
    inputTokens,
    outputTokens,
    costNanos,
    durationMs,
    upstreamMs: rejected ? null : Math.round(durationMs * 0.9 * 1000) / 1000,
    errorCode: rejected ? template.errorCode : failed ? 'SB_ERR_UPSTREAM_ERROR' : null,
  };
}

/**
 * The spend ledger row the gateway settles for a logged request that cost something, so the
 * overview's savings and the budgets page read a ledger as large as the log. Learned-routing
 * requests carry the strong model's price as their baseline, as the gateway records it.
 */
function ledgerEntryOf(row: RequestLogRow): LedgerEntry | undefined {
  if (row.costNanos === null || row.requestedModel === null || row.keyId === null) return undefined;
  const strongNanos = Math.round(
    ((row.inputTokens ?? 0) * 30 + (row.outputTokens ?? 0) * 60) * 1000,
  );
  return {
    requestId: row.requestId,
    atMs: row.at + Math.round(row.durationMs),
    subject: {
      keyId: row.keyId,
      user: null,
      org: row.org,
      team: row.team,
      tags: [],
      model: row.requestedModel,
    },
    provider: row.provider,
    deployment: row.deployment,
    upstreamModel: row.upstreamModel,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos: row.costNanos,
    estimated: false,
    outcome: 'completed',
    ...(row.requestedModel === 'assistant' ? { baselineNanos: strongNanos } : {}),
  };
}

/**
 * What each page shows once its data is in: CSS selectors that must match, and stat figures
 * (by data-testid) that must be filled in (not "–"). Checked in the page by `dataShown`.
 */
interface Ready {
  readonly present: readonly string[];
  readonly filled?: readonly string[];
  /** At least this many request rows (a full first page). */
  readonly rows?: number;
}

const testId = (id: string): string => `[data-testid=${id}]`;

const pages: { name: string; route: (requestId: string) => string; ready: Ready }[] = [
  {
    name: 'overview',
    route: () => 'overview',
    ready: {
      present: [testId('overview-model-row')],
      filled: ['overview-spend', 'overview-savings'],
    },
  },
  { name: 'requests', route: () => 'requests', ready: { present: [], rows: 50 } },
  {
    name: 'request detail',
    route: (id) => `requests/${id}`,
    ready: { present: [testId('trace-candidate'), `${testId('attempts-table')} tbody tr`] },
  },
  { name: 'keys', route: () => 'keys', ready: { present: [testId('key-row')] } },
  { name: 'budgets', route: () => 'budgets', ready: { present: [testId('budget-line')] } },
  {
    name: 'deployments',
    route: () => 'deployments',
    ready: { present: [testId('deployment-row')] },
  },
  {
    name: 'policies',
    route: () => 'policies',
    ready: { present: [testId('policy-text'), testId('policy-version-row')] },
  },
  { name: 'audit', route: () => 'audit', ready: { present: [], filled: ['audit-records'] } },
  {
    name: 'routing',
    route: () => 'routing',
    ready: { present: [testId('router-card'), `${testId('router-curve')} canvas`] },
  },
  // The playground loads no data: this is the time until its form can be used.
  {
    name: 'playground',
    route: () => 'playground',
    ready: { present: [testId('playground-form')] },
  },
];

/** Runs in the page: false until `ready` holds, then milliseconds since navigation start. */
function dataShown(ready: Ready): number | false {
  const { document } = globalThis as unknown as {
    document: {
      querySelector(selector: string): { textContent: string | null } | null;
      querySelectorAll(selector: string): { length: number };
    };
  };
  const shown =
    ready.present.every((selector) => document.querySelector(selector) !== null) &&
    (ready.filled ?? []).every((id) => {
      const text = document.querySelector(`[data-testid=${id}]`)?.textContent;
      return text !== undefined && text !== null && text !== '–';
    }) &&
    document.querySelectorAll('[data-testid=request-row]').length >= (ready.rows ?? 0);
  // performance.now() in a new document counts from its navigation start.
  return shown && performance.now();
}

function summary(times: readonly number[]): { median: number; p95: number; runs: number[] } {
  const sorted = [...times].sort((left, right) => left - right);
  // Nearest rank: with 5 runs the p95 is the slowest.
  const rank = (share: number): number => sorted[Math.ceil(share * sorted.length) - 1]!;
  const round = (value: number): number => Math.round(value * 10) / 10;
  return { median: round(rank(0.5)), p95: round(rank(0.95)), runs: times.map(round) };
}

if (!chromiumAvailable()) {
  console.error(`${chromiumPath} is not installed (apt-get install chromium)`);
  process.exit(1);
}

const consoleDirectory = fileURLToPath(new URL('../dist/ui/', import.meta.url));
if (!existsSync(join(consoleDirectory, 'index.html'))) {
  console.error('dist/ui is missing: building the console');
  await buildConsole(consoleDirectory);
}

const directory = mkdtempSync(join(tmpdir(), 'signalbox-console-bench-'));
const stateDir = join(directory, 'state');
try {
  // 1. A first start: keys, teams and a few real requests to copy.
  const first = await startTestGateway({ config, stateDir });
  for (const team of teams) {
    await first.admin('POST', '/admin/teams', { id: team, name: team });
  }
  const keys: SeedKey[] = [];
  for (let index = 0; index < 36; index += 1) {
    const team = index % 4 === 3 ? null : teams[index % 3]!;
    const response = await first.admin('POST', '/admin/keys', {
      name: `bench key ${String(index)}`,
      role: 'member',
      ...(team === null ? {} : { team }),
    });
    if (response.status !== 201) throw new Error(`creating a key: ${await response.text()}`);
    const created = (await response.json()) as { id: string; key: string };
    keys.push({ id: created.id, secret: created.key, team });
  }
  // Two policy versions (the page shows the one in force and the history), before the samples
  // so their records carry a policy decision.
  for (const extra of [
    '',
    '\n  - { name: watch-injection, when: { injection_score_at_least: 0.8 }, action: flag }',
  ]) {
    const response = await fetch(`${first.url}/admin/policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
      body: `${policy}${extra}\n`,
    });
    if (response.status !== 201) throw new Error(`storing a policy: ${await response.text()}`);
  }
  await sendSamples(first.url, keys);
  await first.close(); // writes what the request log still queues

  // 2. The request log, seeded directly through its store, in the writer's batch size.
  const database = openSqliteDatabase(stateDir);
  const store = await createSqliteRequestLogStore(new SqliteSqlDatabase(database));
  const templates = templatesOf(await store.search({}, 200));
  const nowMs = Date.now();
  const rows = Array.from({ length: rowCount }, (_, index) =>
    seedRow(index, nowMs, keys, templates),
  ).sort((left, right) => left.at - right.at);
  const seedStart = performance.now();
  for (let start = 0; start < rows.length; start += 500) {
    await store.append(rows.slice(start, start + 500));
  }
  const seedMs = performance.now() - seedStart;
  const ledger = new SqlBudgetStore(new SqliteSqlDatabase(database));
  const entries = rows.map(ledgerEntryOf).filter((entry) => entry !== undefined);
  for (let start = 0; start < entries.length; start += 500) {
    await ledger.settle(entries.slice(start, start + 500));
  }
  // Budget counters are built from the ledger when missing: drop the ones the sample requests
  // made, so today's lines count the seeded spend too.
  database.exec('DELETE FROM budget_counters');
  database.close();
  const detailId = rows.at(-100)!.requestId;

  // 3. The gateway with the console, and Chromium signed in through the UI.
  const gateway = await startTestGateway({ config, stateDir, consoleDirectory });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, gateway.url, testAdminKey);
    const results: Record<string, ReturnType<typeof summary>> = {};
    for (const entry of pages) {
      const times: number[] = [];
      // One unmeasured load first: the browser's cache holds the console's files, as it would
      // for anyone who has opened the console before.
      for (let run = 0; run <= runs; run += 1) {
        await page.goto('about:blank');
        await page.goto(`${gateway.url}/ui/#/${entry.route(detailId)}`);
        // A function, not a string: the console's CSP forbids eval, and rightly so.
        const handle = await page
          .waitForFunction(dataShown, entry.ready, { polling: 'raf', timeout: 30_000 })
          .catch(async (error: unknown) => {
            const shot = join(repositoryRoot, 'test-artifacts', `bench-${entry.name}.png`);
            await page.screenshot({ path: shot, fullPage: true });
            throw new Error(`the ${entry.name} page never showed its data (see ${shot})`, {
              cause: error,
            });
          });
        const elapsed = (await handle.jsonValue()) as number;
        if (run > 0) times.push(elapsed);
      }
      results[entry.name] = summary(times);
    }

    // The admin API calls behind the pages, from Node (no browser), for finding a slow page's cause.
    const now = Date.now();
    const since = (ms: number): string => new Date(now - ms).toISOString();
    const until = new Date(now).toISOString();
    const api: Record<string, string> = {
      'stats 1 h by minute': `/admin/requests/stats?from=${since(3_600_000)}&to=${until}&bucket=minute`,
      'stats 24 h by hour': `/admin/requests/stats?from=${since(day)}&to=${until}&bucket=hour`,
      'stats 7 days by day': `/admin/requests/stats?from=${since(7 * day)}&to=${until}&bucket=day`,
      'stats 30 days by day': `/admin/requests/stats?from=${since(30 * day)}&to=${until}&bucket=day`,
      'savings 24 h by model': `/admin/routing/savings?from=${since(day)}&to=${until}&group_by=model`,
      'requests, first page (24 h)': `/admin/requests?from=${since(day)}&to=${until}&limit=50`,
      'requests, one key (24 h)': `/admin/requests?from=${since(day)}&to=${until}&limit=50&key_id=${keys[0]!.id}`,
      'one request': `/admin/requests/${detailId}`,
      keys: '/admin/keys',
      budgets: '/admin/budgets',
      deployments: '/admin/deployments',
      'audit status': '/admin/audit/status',
      'routing routers': '/admin/routing/routers',
    };
    const apiResults: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, path] of Object.entries(api)) {
      const times: number[] = [];
      for (let run = 0; run <= runs; run += 1) {
        const start = performance.now();
        const response = await gateway.admin('GET', path);
        await response.text();
        if (response.status !== 200) throw new Error(`${path} answered ${String(response.status)}`);
        if (run > 0) times.push(performance.now() - start);
      }
      apiResults[name] = summary(times);
    }

    const report = {
      rows: rowCount,
      seed_ms: Math.round(seedMs),
      ledger_entries: entries.length,
      runs,
      chromium: browser.version(),
      pages_ms: results,
      api_ms: apiResults,
    };
    // One line per figure: the arrays of runs stay on their line.
    console.log(
      JSON.stringify(report, null, 2).replace(
        /\[\s+([^\]]*?)\s+\]/g,
        (_, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`,
      ),
    );
    console.log('\n| page | median | p95 |\n| --- | ---: | ---: |');
    for (const [name, figures] of Object.entries(results)) {
      console.log(`| ${name} | ${figures.median.toFixed(0)} ms | ${figures.p95.toFixed(0)} ms |`);
    }
    console.log('\n| admin API call | median | p95 |\n| --- | ---: | ---: |');
    for (const [name, figures] of Object.entries(apiResults)) {
      console.log(`| ${name} | ${figures.median.toFixed(1)} ms | ${figures.p95.toFixed(1)} ms |`);
    }
  } finally {
    await browser.close();
    await gateway.close();
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
