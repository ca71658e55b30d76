// `npm run bench`: measures, in one run on loopback, the mock provider called directly, a bare
// Node pass-through proxy (bench/bare-proxy.ts) and Signalbox with governance on (virtual key,
// rate limit, hard budget, a policy with PII detection, audit trail, request log, access log,
// metrics scraped), for each scenario; some scenarios add Signalbox with governance off and
// Signalbox under `serve --workers N`. Targets are interleaved and each run repeated; the report
// gives medians, Signalbox's added latency over direct, its throughput relative to the bare
// proxy, CPU and resident memory, and checks the acceptance targets of issue 11.
// Options: --repetitions N (default 3), --seconds N per run (default 3), --workers N (default 2),
// --only <ids or name fragments, comma-separated>, --list, --skip-micro (no routing-decision and
// semantic-lookup micro-benchmarks), --write-docs, --cpu-prof DIR (V8 CPU profiles of every
// Signalbox, in DIR/<name>/ when the run ends; open them in Chrome DevTools), --signalbox-env
// NAME=VALUE,... (extra environment for every Signalbox, to compare allocator or V8 settings).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadResult } from './load-generator.ts';
import {
  benchScenarios,
  governanceParts,
  type GovernancePart,
  type Scenario,
  type TargetName,
} from './bench-scenarios.ts';
import {
  renderReport,
  type ScenarioSummary,
  type SemanticLookup,
  type TargetSummary,
} from './bench-report.ts';
import {
  processTree,
  residentMemoryMb,
  startProcess,
  stopProcess,
  totalCpuMilliseconds,
  totalResidentMemoryKb,
} from './server-processes.ts';
import { median } from './sample-statistics.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    'write-docs': { type: 'boolean', default: false },
    only: { type: 'string' },
    list: { type: 'boolean', default: false },
    'skip-micro': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'signalbox-env': { type: 'string' },
  },
});
if (values.list) {
  for (const scenario of benchScenarios) process.stdout.write(`${scenario.id}\t${scenario.name}\n`);
  process.exit(0);
}
const repetitions = Number(values.repetitions);
const durationMs = Number(values.seconds) * 1000;
const workerCount = Number(values.workers);
const warmupMs = 500;
const adminKey = 'bench-admin-key-0123456789abcdefghijklmnop';

/**
 * `--only ns-16,stream` runs the scenarios whose id is listed or whose name contains one of the
 * fragments (`npm run bench -- --list` shows the ids).
 */
const wanted = values.only?.split(',').map((part) => part.trim());
const scenarios = benchScenarios.filter((scenario) =>
  scenario.optIn === true
    ? wanted?.includes(scenario.id) === true
    : wanted === undefined ||
      wanted.some((part) => scenario.id === part || scenario.name.includes(part)),
);
if (scenarios.length === 0) throw new Error(`no scenario matches --only ${values.only ?? ''}`);
const needs = (target: TargetName): boolean =>
  scenarios.some((scenario) => targetsOf(scenario).includes(target));

function targetsOf(scenario: Scenario): TargetName[] {
  return ['direct', 'bare-proxy', 'signalbox', ...(scenario.extraTargets ?? [])];
}

function runLoad(options: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bench/load-generator.ts'), JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// --- start the servers ------------------------------------------------------------------------
const mock = await startProcess(
  ['dist/cli/main.js', 'mock-provider', '--port', '0'],
  /base URL (http:\/\/[^\s]+)\/v1/,
);
const bare = await startProcess(
  ['bench/bare-proxy.ts', mock.url],
  /listening on (http:\/\/[^\s]+)/,
);
const stateDirectory = mkdtempSync(join(tmpdir(), 'signalbox-bench-'));

/** A free loopback port, for the throwaway Redis of the `--workers` Signalbox. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `serve --workers N` requires Redis for rate limits (shared counters), so that Signalbox gets a
 * throwaway redis-server of its own, never the system one.
 */
let redis: ChildProcess | undefined;
let redisUrl = '';
if (needs('signalbox-workers')) {
  const port = await freePort();
  const started = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  redis = started;
  process.on('exit', () => started.kill('SIGKILL'));
  redisUrl = `redis://127.0.0.1:${port}`;
  await sleep(500);
}

/** Every model is priced, so that the hard budget can bound each request's cost. */
const priced = `model_facts: { fast: { price: { input: 0.1, output: 0.2 }, max_output_tokens: 4096, context_window: 128000 } }`;
const providersConfig = `providers:
  - { id: upstream, type: openai-compatible, base_url: "${mock.url}/v1", models: [fast], ${priced} }
  - { id: claude, type: anthropic, base_url: "${mock.url}/v1", api_key: "\${env:BENCH_ANTHROPIC_KEY}", models: [fast], ${priced} }
  - { id: strong, type: openai-compatible, base_url: "${mock.url}/v1", models: [fast], ${priced} }
  - { id: weak, type: openai-compatible, base_url: "${mock.url}/v1", models: [fast], ${priced} }
routers:
  - name: mmlu
    artifact: ${join(root, 'data/routers/mmlu-gpt4-mixtral.json')}
    strong_share: 0.3
    models:
      gpt-4-1106-preview: gpt-4
      mistralai/Mixtral-8x7B-Instruct-v0.1: mixtral
models:
  - alias: gpt-4
    targets: [{ provider: strong, model: fast }]
  - alias: mixtral
    targets: [{ provider: weak, model: fast }]
  - alias: assistant
    strategy: learned
    router: mmlu
    targets: [{ alias: gpt-4 }, { alias: mixtral }]
`;
/**
 * The governance sections for the given parts: all of them is governance on (every check a
 * governed deployment runs, none of them refusing: the limit and the budget are far above what a
 * run uses), none is governance off (as lean as configuration allows). The policy is put in
 * force through the admin API.
 */
function governanceConfig(parts: ReadonlySet<GovernancePart>): string {
  return [
    `log: { requests: ${String(parts.has('access-log'))} }`,
    `audit: { enabled: ${String(parts.has('audit'))} }`,
    `request_log: { enabled: ${String(parts.has('request-log'))} }`,
    ...(parts.has('limits')
      ? ['limits:', '  - { scope: key, rpm: 1000000000, tpm: 1000000000000 }']
      : []),
    ...(parts.has('budget')
      ? ['budgets:', '  - { scope: key, usd: 1000000000, period: day }']
      : []),
    '',
  ].join('\n');
}
const governanceOn = governanceConfig(new Set(governanceParts));
const governanceOff = governanceConfig(new Set());
/** Put in force through the admin API: every request body is scanned for personal data. */
const benchPolicy = `name: bench
rules:
  - name: flag-personal-data
    when: { data_classes: [email, phone, payment_card, iban, us_ssn, secret] }
    action: flag
default: permit
`;

interface StartedSignalbox {
  readonly child: ChildProcess;
  readonly url: string;
  readonly virtualKey: string;
}
/** With `--signalbox-env A=1,B=2`: variables added to every Signalbox's environment. */
const extraEnvironment: Readonly<Record<string, string>> = Object.fromEntries(
  (values['signalbox-env'] ?? '')
    .split(',')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new Error(`--signalbox-env takes NAME=VALUE pairs, not ${pair}`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
);
/** With `--cpu-prof DIR`: each Signalbox writes its profiles to DIR/<name>/ when it exits. */
const cpuProfileDirectory = values['cpu-prof'];
/** Starts Signalbox on the providers plus `extraConfig`, puts the policy in force, makes a key. */
async function startSignalbox(
  name: string,
  extraConfig: string,
  options: { policy: boolean; workers?: number },
): Promise<StartedSignalbox> {
  const path = join(stateDirectory, `${name}.yaml`);
  writeFileSync(path, `${providersConfig}${extraConfig}`);
  const started = await startProcess(
    [
      ...(cpuProfileDirectory === undefined
        ? []
        : ['--cpu-prof', '--cpu-prof-dir', resolvePath(cpuProfileDirectory, name)]),
      'dist/cli/main.js',
      'serve',
      '--config',
      path,
      '--port',
      '0',
      '--state-dir',
      join(stateDirectory, name),
      ...(options.workers === undefined ? [] : ['--workers', String(options.workers)]),
    ],
    /listening on (http:\/\/[^\s]+) /,
    {
      SIGNALBOX_ADMIN_KEY: adminKey,
      BENCH_ANTHROPIC_KEY: 'bench-anthropic-key',
      ...(redisUrl === '' ? {} : { BENCH_REDIS_URL: redisUrl }),
      ...extraEnvironment,
    },
  );
  const admin = { authorization: `Bearer ${adminKey}` };
  if (options.policy) {
    const put = await fetch(`${started.url}/admin/policy`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/yaml' },
      body: benchPolicy,
    });
    if (put.status !== 201 && put.status !== 200) {
      throw new Error(`PUT /admin/policy: ${put.status} ${await put.text()}`);
    }
  }
  const created = await fetch(`${started.url}/admin/keys`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  const virtualKey = ((await created.json()) as { key: string }).key;
  // Every replica takes up a new policy version within about a second.
  if (options.policy) await sleep(1500);
  return { ...started, virtualKey };
}
const signalbox = await startSignalbox('governance-on', governanceOn, { policy: true });
const governanceOffSignalbox = needs('signalbox-governance-off')
  ? await startSignalbox('governance-off', governanceOff, { policy: false })
  : undefined;
const workersSignalbox = needs('signalbox-workers')
  ? await startSignalbox(
      'workers',
      `${governanceOn}storage: { redis_url: "\${env:BENCH_REDIS_URL}" }\n`,
      {
        policy: true,
        workers: workerCount,
      },
    )
  : undefined;
/** Governance off plus one part (`governance-parts`), by part. */
const partSignalboxes = new Map<GovernancePart, StartedSignalbox>();
for (const part of governanceParts) {
  if (!needs(`governance-off+${part}`)) continue;
  partSignalboxes.set(
    part,
    await startSignalbox(`off-plus-${part}`, governanceConfig(new Set([part])), {
      policy: part === 'policy',
    }),
  );
}
const cachedSignalbox = scenarios.some((scenario) => scenario.cacheHits === true)
  ? await startSignalbox('cache', `${governanceOn}cache: { backend: memory }\n`, { policy: true })
  : undefined;
const startupMemory = residentMemoryMb(signalbox.child.pid);

interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly pid: number | undefined;
  /** Governance on: /metrics is scraped every second during its runs, as Prometheus would. */
  readonly scraped: boolean;
}
function signalboxTarget(started: StartedSignalbox | undefined, scraped: boolean): Target {
  return {
    url: started?.url ?? '',
    headers: { authorization: `Bearer ${started?.virtualKey ?? ''}` },
    pid: started?.child.pid,
    scraped,
  };
}
function targetFor(scenario: Scenario, name: TargetName): Target {
  switch (name) {
    case 'direct':
      return { url: mock.url, headers: {}, pid: mock.child.pid, scraped: false };
    case 'bare-proxy':
      return { url: bare.url, headers: {}, pid: bare.child.pid, scraped: false };
    case 'signalbox':
      return signalboxTarget(scenario.cacheHits === true ? cachedSignalbox : signalbox, true);
    case 'signalbox-governance-off':
      return signalboxTarget(governanceOffSignalbox, false);
    case 'signalbox-workers':
      return signalboxTarget(workersSignalbox, true);
    default:
      return signalboxTarget(
        partSignalboxes.get(name.slice('governance-off+'.length) as GovernancePart),
        false,
      );
  }
}

/** The paced prompts: the mock streams one chunk every 20 ms. */
const paceMs = 20;
const openAiToken = '"content":"[^"]';
const anthropicToken = '"type":"text_delta"';
const learnedPrompt =
  'Prove that the square root of 2 is irrational, then explain the proof to a twelve-year-old.';

/**
 * The request a target gets in a scenario. When the provider speaks Anthropic, direct and the
 * bare proxy speak Anthropic to the mock (a token: a `text_delta`), while Signalbox is asked in
 * OpenAI's format for the Anthropic-dialect provider (a token: a non-empty `content` delta), so
 * its figures include translating the stream.
 */
function requestFor(scenario: Scenario, target: TargetName): object {
  const viaSignalbox = target !== 'direct' && target !== 'bare-proxy';
  const chat = (model: string, content: string, stream: boolean): object => ({
    path: '/v1/chat/completions',
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content }],
      ...(stream ? { stream: true } : {}),
    }),
  });
  switch (scenario.kind) {
    case 'chat':
      return {
        ...chat(viaSignalbox ? 'upstream/fast' : 'fast', 'Say hello', scenario.stream),
        firstTokenPattern: scenario.stream ? openAiToken : undefined,
      };
    case 'learned-router':
      return chat(viaSignalbox ? 'assistant' : 'fast', learnedPrompt, false);
    case 'paced-jitter':
      return {
        ...chat(viaSignalbox ? 'upstream/fast' : 'fast', 'Say hello\n!mock tps=50 tokens=40', true),
        firstTokenPattern: openAiToken,
        tokenPattern: openAiToken,
        paceMs,
      };
    case 'anthropic-first-token':
    case 'cross-dialect-throughput': {
      const prompt =
        scenario.kind === 'anthropic-first-token'
          ? 'Say hello\n!mock tps=50'
          : 'Say hello\n!mock tokens=2000';
      const patterns = (token: string): object =>
        scenario.kind === 'anthropic-first-token'
          ? { firstTokenPattern: token, tokenPattern: token, paceMs }
          : { firstTokenPattern: token, countPattern: token };
      if (viaSignalbox) return { ...chat('claude/fast', prompt, true), ...patterns(openAiToken) };
      return {
        path: '/v1/messages',
        body: JSON.stringify({
          model: 'fast',
          max_tokens: 4096,
          stream: true,
          messages: [{ role: 'user', content: prompt }],
        }),
        ...patterns(anthropicToken),
      };
    }
  }
}

// --- run every scenario, interleaving targets, repeated ----------------------------------------
type MeasuredRun = LoadResult & {
  readonly cpuMsPerThousand: number;
  readonly rssPeakMb: number;
  readonly rssEndMb: number;
};

/** Resident memory of a target's processes, sampled every 100 ms while a run goes on. */
function sampleMemory(pids: readonly number[]): () => { peakMb: number; endMb: number } {
  let peakKb = totalResidentMemoryKb(pids);
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, totalResidentMemoryKb(pids));
  }, 100);
  return () => {
    clearInterval(timer);
    const endKb = totalResidentMemoryKb(pids);
    return { peakMb: Math.round(Math.max(peakKb, endKb) / 1024), endMb: Math.round(endKb / 1024) };
  };
}

/** Scrapes GET /metrics every second, as a Prometheus server would, until stopped. */
function scrapeMetrics(url: string): () => void {
  const timer = setInterval(() => {
    fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }, 1000);
  return () => clearInterval(timer);
}

const runs: Record<string, Partial<Record<TargetName, MeasuredRun[]>>> = {};
for (let repetition = 0; repetition < repetitions; repetition += 1) {
  for (const scenario of scenarios) {
    const perTarget = (runs[scenario.id] ??= {});
    // Alternate the order every repetition, so that a slow drift of the machine does not always
    // favour the same target.
    const order = targetsOf(scenario);
    if (repetition % 2 === 1) order.reverse();
    for (const name of order) {
      const target = targetFor(scenario, name);
      const pids = processTree(target.pid);
      const cpuBefore = totalCpuMilliseconds(pids);
      const memory = sampleMemory(pids);
      const stopScraping = target.scraped ? scrapeMetrics(target.url) : () => undefined;
      const loaded = await runLoad({
        url: target.url,
        headers: { 'content-type': 'application/json', ...target.headers },
        connections: scenario.connections,
        warmupMs,
        durationMs,
        stream: scenario.stream,
        ...requestFor(scenario, name),
      });
      stopScraping();
      const rss = memory();
      // The processes' CPU over warm-up and run, per thousand requests answered in the run (the
      // warm-up share is removed in proportion to time).
      const cpuUsed =
        (totalCpuMilliseconds(pids) - cpuBefore) * (durationMs / (durationMs + warmupMs));
      const result: MeasuredRun = {
        ...loaded,
        cpuMsPerThousand: Math.round((cpuUsed / Math.max(loaded.requests, 1)) * 1000),
        rssPeakMb: rss.peakMb,
        rssEndMb: rss.endMb,
      };
      (perTarget[name] ??= []).push(result);
      process.stderr.write(
        `${scenario.id} / ${name} / run ${repetition + 1}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms${result.errors > 0 ? `, ${result.errors} errors` : ''}${result.stuck.count > 0 ? `, ${result.stuck.count} unanswered for over 1 s at the end (oldest ${result.stuck.oldestMs} ms)` : ''}, RSS ${rss.peakMb} MB\n`,
      );
    }
  }
}
const finalMemory = residentMemoryMb(signalbox.child.pid);
const signalboxes = [
  signalbox,
  governanceOffSignalbox,
  workersSignalbox,
  cachedSignalbox,
  ...partSignalboxes.values(),
];
// A profile is written when its process exits on its own (SIGTERM is a graceful stop).
if (cpuProfileDirectory !== undefined) {
  await Promise.all(
    signalboxes.map((server) =>
      server === undefined ? Promise.resolve() : stopProcess(server.child),
    ),
  );
}
for (const server of [...signalboxes, bare, mock]) {
  server?.child.kill('SIGTERM');
}
redis?.kill('SIGTERM');

// --- summarise ------------------------------------------------------------------------------
const round3 = (value: number): number => Math.round(value * 1000) / 1000;
const medianOf = (
  results: readonly MeasuredRun[],
  read: (run: MeasuredRun) => number | undefined,
): number | undefined => {
  const found = results.map(read).filter((value): value is number => value !== undefined);
  return found.length === 0 ? undefined : round3(median(found));
};

function summarise(results: readonly MeasuredRun[]): TargetSummary {
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50: round3(median(results.map((result) => result.latencyMs.p50))),
    p99: round3(median(results.map((result) => result.latencyMs.p99))),
    firstTokenP50: medianOf(results, (result) => result.firstByteMs?.p50),
    firstTokenP99: medianOf(results, (result) => result.firstByteMs?.p99),
    chunkGapP50: medianOf(results, (result) => result.chunkGapMs?.p50),
    chunkGapP99: medianOf(results, (result) => result.chunkGapMs?.p99),
    chunkGapDeviationP50: medianOf(results, (result) => result.chunkGapDeviationMs?.p50),
    chunkGapDeviationP99: medianOf(results, (result) => result.chunkGapDeviationMs?.p99),
    chunksPerSecond: medianOf(results, (result) => result.eventsPerSecond),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    cpuMsPerThousand: median(results.map((result) => result.cpuMsPerThousand)),
    rssPeakMb: Math.max(...results.map((result) => result.rssPeakMb)),
    rssEndMb: results.at(-1)?.rssEndMb ?? Number.NaN,
  };
}

/**
 * Differences and ratios are computed within each repetition (the targets ran back to back) and
 * then the median is taken, which cancels most of the machine's drift between repetitions.
 */
function paired(
  perTarget: Partial<Record<TargetName, MeasuredRun[]>>,
  measure: (run: (name: TargetName) => MeasuredRun) => number,
): number {
  const count = perTarget.direct?.length ?? 0;
  const values = Array.from({ length: count }, (_, index) =>
    measure((name) => {
      const run = perTarget[name]?.[index];
      if (run === undefined) throw new Error(`no run of ${name}`);
      return run;
    }),
  );
  return round3(median(values));
}

const summary: Record<string, ScenarioSummary> = {};
for (const scenario of scenarios) {
  const perTarget = runs[scenario.id] ?? {};
  // Streams are timed to their first token; other requests to their last byte.
  const p50 = (run: MeasuredRun): number =>
    scenario.stream ? (run.firstByteMs?.p50 ?? Number.NaN) : run.latencyMs.p50;
  const p99 = (run: MeasuredRun): number =>
    scenario.stream ? (run.firstByteMs?.p99 ?? Number.NaN) : run.latencyMs.p99;
  const addedOver = (name: TargetName) => ({
    p50: paired(perTarget, (run) => p50(run(name)) - p50(run('direct'))),
    p99: paired(perTarget, (run) => p99(run(name)) - p99(run('direct'))),
  });
  const shareOfBare = (name: TargetName): number =>
    Math.round(
      paired(perTarget, (run) =>
        scenario.kind === 'cross-dialect-throughput'
          ? (run(name).eventsPerSecond ?? 0) / (run('bare-proxy').eventsPerSecond ?? 1)
          : run(name).requestsPerSecond / run('bare-proxy').requestsPerSecond,
      ) * 100,
    ) / 100;
  const targets = Object.fromEntries(
    targetsOf(scenario).map((name) => [name, summarise(perTarget[name] ?? [])]),
  ) as ScenarioSummary['targets'];
  const extra = (name: TargetName) =>
    scenario.extraTargets?.includes(name) === true
      ? { added: addedOver(name), shareOfBareProxy: shareOfBare(name) }
      : undefined;
  summary[scenario.id] = {
    name: scenario.name,
    connections: scenario.connections,
    kind: scenario.kind,
    stream: scenario.stream,
    targets,
    signalboxAdded: addedOver('signalbox'),
    bareProxyAdded: addedOver('bare-proxy'),
    signalboxShareOfBareProxy: shareOfBare('signalbox'),
    governanceOff: extra('signalbox-governance-off'),
    workers: extra('signalbox-workers'),
    // Each part's cost: governance off plus that part, minus governance off, paired.
    partsAddedOverGovernanceOff: Object.fromEntries(
      governanceParts
        .filter((part) => scenario.extraTargets?.includes(`governance-off+${part}`) === true)
        .map((part) => [
          part,
          {
            p50: paired(
              perTarget,
              (run) => p50(run(`governance-off+${part}`)) - p50(run('signalbox-governance-off')),
            ),
            p99: paired(
              perTarget,
              (run) => p99(run(`governance-off+${part}`)) - p99(run('signalbox-governance-off')),
            ),
          },
        ]),
    ),
  };
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
// Routing decision time, in its own process so nothing else competes for the event loop.
const skipMicro = values['skip-micro'];
const routing = skipMicro
  ? undefined
  : (JSON.parse(
      execFileSync(process.execPath, [join(root, 'bench/routing-decision.ts'), '--json'], {
        encoding: 'utf8',
      }),
    ) as { plans: number; results: Record<string, { p50: number; p99: number; max: number }> });
// Semantic-cache lookup time (encode + vector search at 100,000 entries), also in its own process.
const semanticLookup = skipMicro
  ? undefined
  : (JSON.parse(
      execFileSync(process.execPath, [join(root, 'bench/semantic-lookup.ts'), '--json'], {
        encoding: 'utf8',
      }),
    ) as SemanticLookup);
const report = {
  date: new Date().toISOString(),
  machine,
  settings: {
    repetitions,
    secondsPerRun: durationMs / 1000,
    warmupSeconds: warmupMs / 1000,
    workers: workerCount,
    scenarios: scenarios.map((scenario) => scenario.id),
  },
  signalboxMemoryMb: {
    afterStart: startupMemory.rss,
    afterRuns: finalMemory.rss,
    peak: finalMemory.peak,
  },
  scenarios: summary,
  routingDecisionMicros: routing,
  semanticLookupMillis: semanticLookup,
};

const table = renderReport(report);
process.stdout.write(`\n${table}\n`);

mkdirSync(join(root, 'bench/results'), { recursive: true });
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(join(root, 'bench/results/latest.json'), json);
writeFileSync(join(root, `bench/results/${report.date.replace(/[:.]/g, '-')}.json`), json);
if (values['write-docs']) {
  const docsPath = join(root, 'docs/benchmarks.md');
  const docs = readFileSync(docsPath, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const updated = `${docs.slice(0, docs.indexOf(begin) + begin.length)}\n${table}\n${docs.slice(docs.indexOf(end))}`;
  writeFileSync(docsPath, updated);
}
