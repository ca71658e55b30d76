// `npm run bench`: measures, in one run on loopback, the mock provider called directly, a bare
// Node pass-through proxy (bench/bare-proxy.ts) and Signalbox with authentication on, for each
// scenario, interleaving the three targets and repeating each run; reports medians, Signalbox's
// added latency over direct, its throughput relative to the bare proxy, and its memory.
// Options: --repetitions N (default 3), --seconds N per run (default 4), --write-docs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadResult } from './load-generator.ts';
import { cpuMilliseconds, residentMemoryMb, startProcess } from './server-processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    'write-docs': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const repetitions = Number(values.repetitions);
const durationMs = Number(values.seconds) * 1000;
const warmupMs = 500;
const adminKey = 'bench-admin-key-0123456789abcdefghijklmnop';

type TargetName = 'direct' | 'bare-proxy' | 'signalbox' | 'signalbox-audit-off';
interface Scenario {
  readonly name: string;
  readonly connections: number;
  readonly stream: boolean;
  /**
   * Also measure a second Signalbox with the audit trail off (`audit.enabled: false`), to price
   * audit writing alone: the paired difference of the two Signalboxes.
   */
  readonly auditOff?: boolean;
  /**
   * Signalbox is a second instance with the exact response cache on, and every request is the
   * same, so all but the first are cache hits; direct and the bare proxy still call the mock.
   */
  readonly cacheHits?: boolean;
  /**
   * `anthropic-upstream`: the provider speaks Anthropic Messages, streamed at a set pace; direct
   * and the bare proxy call it in its own format, Signalbox is called through the OpenAI ingress
   * and translates. Time is measured to the first token of the answer in each format.
   */
  readonly upstream?: 'anthropic-upstream';
}
const allScenarios: readonly Scenario[] = [
  { name: 'non-streaming, 1 connection', connections: 1, stream: false, auditOff: true },
  {
    name: 'exact-cache hits, non-streaming, 1 connection',
    connections: 1,
    stream: false,
    cacheHits: true,
  },
  { name: 'non-streaming, 16 connections', connections: 16, stream: false },
  { name: 'non-streaming, 64 connections', connections: 64, stream: false },
  { name: 'streaming, 1 connection (time to first byte)', connections: 1, stream: true },
  {
    name: 'Anthropic upstream behind the OpenAI ingress, streaming at 50 tokens/s, 1 connection (time to first token)',
    connections: 1,
    stream: true,
    upstream: 'anthropic-upstream',
  },
];
/** The prompt of the paced scenario: the mock streams one event every 20 ms. */
const pacedPrompt = 'Say hello\n!mock tps=50';
/** `--only 64` runs just the scenarios whose name contains the text (for quick comparisons). */
const scenarios = allScenarios.filter(
  (scenario) => values.only === undefined || scenario.name.includes(values.only),
);

function runLoad(options: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bench/load-generator.ts'), JSON.stringify(options)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

// --- start the three servers -------------------------------------------------------------
const mock = await startProcess(
  ['dist/cli/main.js', 'mock-provider', '--port', '0'],
  /base URL (http:\/\/[^\s]+)\/v1/,
);
const bare = await startProcess(
  ['bench/bare-proxy.ts', mock.url],
  /listening on (http:\/\/[^\s]+)/,
);
const stateDirectory = mkdtempSync(join(tmpdir(), 'signalbox-bench-'));
const configPath = join(stateDirectory, 'signalbox.yaml');
writeFileSync(
  configPath,
  `providers:\n  - { id: upstream, type: openai-compatible, base_url: "${mock.url}/v1", models: [fast] }\n  - { id: claude, type: anthropic, base_url: "${mock.url}/v1", api_key: "\${env:BENCH_ANTHROPIC_KEY}", models: [fast] }\n`,
);
/** Starts Signalbox on `config` (appended to the providers) and makes a virtual key on it. */
async function startSignalbox(
  name: string,
  extraConfig: string,
): Promise<{ child: ChildProcess; url: string; virtualKey: string }> {
  const path = join(stateDirectory, `${name}.yaml`);
  writeFileSync(path, `${readFileSync(configPath, 'utf8')}${extraConfig}`);
  const started = await startProcess(
    [
      'dist/cli/main.js',
      'serve',
      '--config',
      path,
      '--port',
      '0',
      '--state-dir',
      join(stateDirectory, name),
    ],
    /listening on (http:\/\/[^\s]+) /,
    { SIGNALBOX_ADMIN_KEY: adminKey, BENCH_ANTHROPIC_KEY: 'bench-anthropic-key' },
  );
  const created = await fetch(`${started.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  return { ...started, virtualKey: ((await created.json()) as { key: string }).key };
}
const signalbox = await startSignalbox('state', '');
const auditOff = scenarios.some((scenario) => scenario.auditOff === true)
  ? await startSignalbox('state-audit-off', 'audit:\n  enabled: false\n')
  : undefined;
const cached = scenarios.some((scenario) => scenario.cacheHits === true)
  ? await startSignalbox('state-cache', 'cache:\n  backend: memory\n')
  : undefined;
const startupMemory = residentMemoryMb(signalbox.child.pid);

const targets: Record<
  TargetName,
  { url: string; model: string; headers: Record<string, string>; pid: number | undefined }
> = {
  direct: { url: mock.url, model: 'fast', headers: {}, pid: mock.child.pid },
  'bare-proxy': { url: bare.url, model: 'fast', headers: {}, pid: bare.child.pid },
  signalbox: {
    url: signalbox.url,
    model: 'upstream/fast',
    headers: { authorization: `Bearer ${signalbox.virtualKey}` },
    pid: signalbox.child.pid,
  },
  'signalbox-audit-off': {
    url: auditOff?.url ?? '',
    model: 'upstream/fast',
    headers: { authorization: `Bearer ${auditOff?.virtualKey ?? ''}` },
    pid: auditOff?.child.pid,
  },
};

/**
 * The request a target gets in a scenario. In the Anthropic-upstream scenario, direct and the
 * bare proxy speak Anthropic to the mock (first token: the first `text_delta`), while Signalbox
 * is asked in OpenAI's format for the Anthropic-dialect provider (first token: the first
 * non-empty `content` delta), so its time includes translating the stream.
 */
function requestFor(
  scenario: Scenario,
  target: TargetName,
  model: string,
): { path: string; body: string; firstTokenPattern: string | undefined } {
  if (scenario.upstream !== 'anthropic-upstream') {
    return {
      path: '/v1/chat/completions',
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Say hello' }],
        ...(scenario.stream ? { stream: true } : {}),
      }),
      firstTokenPattern: undefined,
    };
  }
  if (target === 'signalbox' || target === 'signalbox-audit-off') {
    return {
      path: '/v1/chat/completions',
      body: JSON.stringify({
        model: 'claude/fast',
        stream: true,
        messages: [{ role: 'user', content: pacedPrompt }],
      }),
      firstTokenPattern: '"delta":\\{"content":"[^"]',
    };
  }
  return {
    path: '/v1/messages',
    body: JSON.stringify({
      model: 'fast',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: pacedPrompt }],
    }),
    firstTokenPattern: '"type":"text_delta"',
  };
}

// --- run every scenario, interleaving targets, repeated ----------------------------------
type MeasuredRun = LoadResult & { readonly cpuMsPerThousand: number };
const runs: Record<string, Record<TargetName, MeasuredRun[]>> = {};
for (let repetition = 0; repetition < repetitions; repetition += 1) {
  for (const scenario of scenarios) {
    const perTarget = (runs[scenario.name] ??= {
      direct: [],
      'bare-proxy': [],
      signalbox: [],
      'signalbox-audit-off': [],
    });
    // Alternate the order every repetition, so that a slow drift of the machine does not always
    // favour the same target.
    const order = (Object.keys(targets) as TargetName[]).filter(
      (name) => name !== 'signalbox-audit-off' || scenario.auditOff === true,
    );
    if (repetition % 2 === 1) order.reverse();
    for (const name of order) {
      const target =
        name === 'signalbox' && scenario.cacheHits === true && cached !== undefined
          ? {
              ...targets.signalbox,
              url: cached.url,
              headers: { authorization: `Bearer ${cached.virtualKey}` },
              pid: cached.child.pid,
            }
          : targets[name];
      const request = requestFor(scenario, name, target.model);
      const cpuBefore = cpuMilliseconds(target.pid);
      const loaded = await runLoad({
        url: target.url,
        path: request.path,
        headers: { 'content-type': 'application/json', ...target.headers },
        body: request.body,
        connections: scenario.connections,
        warmupMs,
        durationMs,
        stream: scenario.stream,
        firstTokenPattern: request.firstTokenPattern,
      });
      // The process's CPU over warm-up and run, per thousand requests answered in the run (the
      // warm-up share is removed in proportion to time).
      const cpuUsed =
        (cpuMilliseconds(target.pid) - cpuBefore) * (durationMs / (durationMs + warmupMs));
      const result: MeasuredRun = {
        ...loaded,
        cpuMsPerThousand: Math.round((cpuUsed / Math.max(loaded.requests, 1)) * 1000),
      };
      perTarget[name].push(result);
      process.stderr.write(
        `${scenario.name} / ${name} / run ${repetition + 1}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms\n`,
      );
    }
  }
}
const finalMemory = residentMemoryMb(signalbox.child.pid);
for (const server of [signalbox, auditOff, cached, bare, mock]) server?.child.kill('SIGTERM');

// --- summarise ------------------------------------------------------------------------------
interface Summary {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly firstByteP50: number | undefined;
  readonly firstByteP99: number | undefined;
  readonly errors: number;
  /** CPU milliseconds the target process spent per thousand requests (for direct: the mock's own). */
  readonly cpuMsPerThousand: number;
}
function summarise(results: readonly MeasuredRun[]): Summary {
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50: round3(median(results.map((result) => result.latencyMs.p50))),
    p99: round3(median(results.map((result) => result.latencyMs.p99))),
    firstByteP50:
      results[0]?.firstByteMs === undefined
        ? undefined
        : round3(median(results.map((result) => result.firstByteMs?.p50 ?? Number.NaN))),
    firstByteP99:
      results[0]?.firstByteMs === undefined
        ? undefined
        : round3(median(results.map((result) => result.firstByteMs?.p99 ?? Number.NaN))),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    cpuMsPerThousand: median(results.map((result) => result.cpuMsPerThousand)),
  };
}
/**
 * Differences and ratios are computed within each repetition (the three targets ran back to
 * back) and then the median is taken, which cancels most of the machine's drift between
 * repetitions.
 */
function pairedMedian(
  perTarget: Record<TargetName, MeasuredRun[]>,
  measure: (run: Record<TargetName, MeasuredRun>) => number,
): number {
  const values = perTarget.direct.map((_, index) =>
    measure({
      direct: perTarget.direct[index]!,
      'bare-proxy': perTarget['bare-proxy'][index]!,
      signalbox: perTarget.signalbox[index]!,
      'signalbox-audit-off': perTarget['signalbox-audit-off'][index]!,
    }),
  );
  return median(values);
}
const summary = Object.fromEntries(
  Object.entries(runs).map(([scenario, perTarget]) => {
    const useFirstByte = perTarget.signalbox[0]?.firstByteMs !== undefined;
    const p50 = (run: MeasuredRun): number =>
      useFirstByte ? (run.firstByteMs?.p50 ?? Number.NaN) : run.latencyMs.p50;
    const p99 = (run: MeasuredRun): number =>
      useFirstByte ? (run.firstByteMs?.p99 ?? Number.NaN) : run.latencyMs.p99;
    return [
      scenario,
      {
        direct: summarise(perTarget.direct),
        bareProxy: summarise(perTarget['bare-proxy']),
        signalbox: summarise(perTarget.signalbox),
        signalboxAuditOff:
          perTarget['signalbox-audit-off'].length === 0
            ? undefined
            : summarise(perTarget['signalbox-audit-off']),
        signalboxAddedP50Ms: round3(
          pairedMedian(perTarget, (run) => p50(run.signalbox) - p50(run.direct)),
        ),
        signalboxAddedP99Ms: round3(
          pairedMedian(perTarget, (run) => p99(run.signalbox) - p99(run.direct)),
        ),
        bareProxyAddedP50Ms: round3(
          pairedMedian(perTarget, (run) => p50(run['bare-proxy']) - p50(run.direct)),
        ),
        bareProxyAddedP99Ms: round3(
          pairedMedian(perTarget, (run) => p99(run['bare-proxy']) - p99(run.direct)),
        ),
        /** Audit writing alone: Signalbox with the audit trail on minus the same with it off. */
        auditAddedP50Ms:
          perTarget['signalbox-audit-off'].length === 0
            ? undefined
            : round3(
                pairedMedian(
                  perTarget,
                  (run) => p50(run.signalbox) - p50(run['signalbox-audit-off']),
                ),
              ),
        signalboxShareOfBareProxyThroughput:
          Math.round(
            pairedMedian(
              perTarget,
              (run) => run.signalbox.requestsPerSecond / run['bare-proxy'].requestsPerSecond,
            ) * 100,
          ) / 100,
      },
    ];
  }),
);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
// Routing decision time, in its own process so nothing else competes for the event loop.
const routing = JSON.parse(
  execFileSync(process.execPath, [join(root, 'bench/routing-decision.ts'), '--json'], {
    encoding: 'utf8',
  }),
) as { plans: number; results: Record<string, { p50: number; p99: number; max: number }> };
// Semantic-cache lookup time (encode + vector search at 100,000 entries), also in its own process.
interface LookupPercentiles {
  p50: number;
  p99: number;
  max: number;
}
const semanticLookup = JSON.parse(
  execFileSync(process.execPath, [join(root, 'bench/semantic-lookup.ts'), '--json'], {
    encoding: 'utf8',
  }),
) as {
  encoder: string;
  entries: number;
  queries: number;
  meanQueryCharacters: number;
  millis: Record<
    'encode' | 'search' | 'encodeAndSearch' | 'searchSmallPartition',
    LookupPercentiles
  >;
};
const report = {
  date: new Date().toISOString(),
  machine,
  settings: { repetitions, secondsPerRun: durationMs / 1000, warmupSeconds: warmupMs / 1000 },
  signalboxMemoryMb: {
    afterStart: startupMemory.rss,
    afterRuns: finalMemory.rss,
    peak: finalMemory.peak,
  },
  scenarios: summary,
  routingDecisionMicros: routing,
  semanticLookupMillis: semanticLookup,
};

const lines = [
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}. Medians of ${repetitions} runs of ${durationMs / 1000} s each (after ${warmupMs / 1000} s warm-up), targets interleaved.`,
  '',
  '| scenario | target | req/s | p50 ms | p99 ms | first byte p50 / p99 ms | CPU ms per 1,000 requests |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const [scenario, result] of Object.entries(summary)) {
  for (const [label, value] of [
    ['direct (mock)', result.direct],
    ['bare Node proxy', result.bareProxy],
    ['Signalbox', result.signalbox],
    ...(result.signalboxAuditOff === undefined
      ? []
      : ([['Signalbox, audit trail off', result.signalboxAuditOff]] as const)),
  ] as const) {
    const firstByte =
      value.firstByteP50 === undefined ? '' : `${value.firstByteP50} / ${value.firstByteP99}`;
    lines.push(
      `| ${scenario} | ${label} | ${value.requestsPerSecond} | ${value.p50} | ${value.p99} | ${firstByte} | ${value.cpuMsPerThousand} |`,
    );
  }
}
lines.push(
  '',
  'Paired within each repetition, then the median:',
  '',
  '| scenario | Signalbox added p50 / p99 ms (vs direct) | bare proxy added p50 / p99 ms | Signalbox req/s as share of bare proxy |',
  '|---|---:|---:|---:|',
);
for (const [scenario, result] of Object.entries(summary)) {
  lines.push(
    `| ${scenario} | ${result.signalboxAddedP50Ms} / ${result.signalboxAddedP99Ms} | ${result.bareProxyAddedP50Ms} / ${result.bareProxyAddedP99Ms} | ${Math.round(result.signalboxShareOfBareProxyThroughput * 100)}% |`,
  );
}
for (const [scenario, result] of Object.entries(summary)) {
  if (result.auditAddedP50Ms !== undefined) {
    lines.push(
      '',
      `Audit writing alone (${scenario}): Signalbox with the audit trail on minus the same with \`audit.enabled: false\`, paired per repetition: ${result.auditAddedP50Ms} ms at p50.`,
    );
  }
}
lines.push(
  '',
  `Signalbox resident memory: ${report.signalboxMemoryMb.afterStart} MB after start, ${report.signalboxMemoryMb.afterRuns} MB after the runs, peak ${report.signalboxMemoryMb.peak} MB.`,
);
lines.push(
  '',
  `Routing decision time: planning one request (request facts, rules, eligibility, strategy, trace; no I/O) for a ten-deployment group, ${routing.plans.toLocaleString('en')} plans per row in one process:`,
  '',
  '| group | p50 µs | p99 µs |',
  '|---|---:|---:|',
  ...Object.entries(routing.results).map(
    ([group, result]) => `| ${group} | ${result.p50} | ${result.p99} |`,
  ),
);
lines.push(
  '',
  `Semantic-cache lookup: ${semanticLookup.encoder}, ${semanticLookup.entries.toLocaleString('en')} entries in one partition (plus smaller partitions beside it), ${semanticLookup.queries.toLocaleString('en')} queries of ${String(semanticLookup.meanQueryCharacters)} characters on average:`,
  '',
  '| step | p50 ms | p99 ms |',
  '|---|---:|---:|',
  ...(
    [
      ['encode the prompt', semanticLookup.millis.encode],
      ['search the partition', semanticLookup.millis.search],
      ['encode and search', semanticLookup.millis.encodeAndSearch],
      ['search a 5,000-entry partition', semanticLookup.millis.searchSmallPartition],
    ] as const
  ).map(([step, result]) => `| ${step} | ${String(result.p50)} | ${String(result.p99)} |`),
);
const table = lines.join('\n');
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
