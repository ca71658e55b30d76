// The markdown tables of `npm run bench` (written into docs/benchmarks.md by --write-docs): every
// target per scenario, the paired comparisons, how added latency grows with connections,
// governance on against off, the `--workers` figure, streams, and the acceptance targets.
import type { GovernancePart, ScenarioKind, TargetName } from './bench-scenarios.ts';

export interface TargetSummary {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Streams: time to the first token (the scenario's pattern) or first byte. */
  readonly firstTokenP50: number | undefined;
  readonly firstTokenP99: number | undefined;
  readonly chunkGapP50: number | undefined;
  readonly chunkGapP99: number | undefined;
  readonly chunkGapDeviationP50: number | undefined;
  readonly chunkGapDeviationP99: number | undefined;
  /** Token chunks delivered per second (cross-dialect throughput). */
  readonly chunksPerSecond: number | undefined;
  readonly errors: number;
  /** CPU ms the target's processes spent per 1,000 requests (for direct: the mock's own). */
  readonly cpuMsPerThousand: number;
  /** Resident memory of the target's processes (summed over workers): peak over its runs. */
  readonly rssPeakMb: number;
  /** ... and at the end of its last run. */
  readonly rssEndMb: number;
}

interface Added {
  readonly p50: number;
  readonly p99: number;
}

export interface ScenarioSummary {
  readonly name: string;
  readonly connections: number;
  readonly kind: ScenarioKind;
  readonly stream: boolean;
  readonly targets: Partial<Record<TargetName, TargetSummary>>;
  /** Paired per repetition against direct: requests by their last byte, streams by first token. */
  readonly signalboxAdded: Added;
  readonly bareProxyAdded: Added;
  /** Requests/s (chunks/s for cross-dialect throughput) as a share of the bare proxy's. */
  readonly signalboxShareOfBareProxy: number;
  readonly governanceOff: { added: Added; shareOfBareProxy: number } | undefined;
  readonly workers: { added: Added; shareOfBareProxy: number } | undefined;
  /** `governance-parts`: governance off plus one part, minus governance off, paired. */
  readonly partsAddedOverGovernanceOff: Partial<Record<GovernancePart, Added>>;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

export interface BenchReport {
  readonly machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  readonly settings: {
    repetitions: number;
    secondsPerRun: number;
    warmupSeconds: number;
    workers: number;
  };
  readonly signalboxMemoryMb: { afterStart: number; afterRuns: number; peak: number };
  readonly scenarios: Record<string, ScenarioSummary>;
  /** Absent with `--skip-micro`, as is the semantic-cache lookup. */
  readonly routingDecisionMicros:
    { plans: number; results: Record<string, Percentiles> } | undefined;
  readonly semanticLookupMillis: SemanticLookup | undefined;
}

export interface SemanticLookup {
  readonly encoder: string;
  readonly entries: number;
  readonly queries: number;
  readonly meanQueryCharacters: number;
  readonly millis: Record<
    'encode' | 'search' | 'encodeAndSearch' | 'searchSmallPartition',
    Percentiles
  >;
}

const fixedLabels: Record<string, string> = {
  direct: 'direct (mock)',
  'bare-proxy': 'bare Node proxy',
  signalbox: 'Signalbox, governance on',
  'signalbox-governance-off': 'Signalbox, governance off',
  'signalbox-workers': 'Signalbox, governance on, `--workers`',
};
function targetLabel(name: TargetName): string {
  return fixedLabels[name] ?? `Signalbox, governance off + ${name.slice('governance-off+'.length)}`;
}

const percent = (share: number | undefined): string =>
  share === undefined || Number.isNaN(share) ? '' : `${Math.round(share * 100)}%`;
const pair = (left: number | undefined, right: number | undefined): string =>
  left === undefined ? '' : `${String(left)} / ${String(right)}`;

export function renderReport(report: BenchReport): string {
  const { machine, settings } = report;
  const scenarios = report.scenarios;
  const lines = [
    `Machine: ${machine.cpu}, ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, Node ${machine.node}. Medians of ${String(settings.repetitions)} runs of ${String(settings.secondsPerRun)} s each (after ${String(settings.warmupSeconds)} s warm-up), targets interleaved; \`--workers\` is ${String(settings.workers)} processes. The load generator, the mock and the gateway share the cores.`,
    '',
    '| scenario | target | req/s | p50 ms | p99 ms | first token p50 / p99 ms | CPU ms per 1,000 requests | RSS peak / end MB | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of Object.values(scenarios)) {
    for (const [name, value] of Object.entries(result.targets) as [TargetName, TargetSummary][]) {
      lines.push(
        `| ${result.name} | ${targetLabel(name)} | ${String(value.requestsPerSecond)} | ${String(value.p50)} | ${String(value.p99)} | ${pair(value.firstTokenP50, value.firstTokenP99)} | ${String(value.cpuMsPerThousand)} | ${String(value.rssPeakMb)} / ${String(value.rssEndMb)} | ${String(value.errors)} |`,
      );
    }
  }
  lines.push(
    '',
    'Paired within each repetition, then the median (streams: time to the first token):',
    '',
    '| scenario | Signalbox added p50 / p99 ms (vs direct) | bare proxy added p50 / p99 ms | Signalbox req/s as share of bare proxy |',
    '|---|---:|---:|---:|',
  );
  for (const result of Object.values(scenarios)) {
    if (result.kind === 'cross-dialect-throughput') continue;
    lines.push(
      `| ${result.name} | ${pair(result.signalboxAdded.p50, result.signalboxAdded.p99)} | ${pair(result.bareProxyAdded.p50, result.bareProxyAdded.p99)} | ${percent(result.signalboxShareOfBareProxy)} |`,
    );
  }

  const nonStreaming = ['ns-1', 'ns-16', 'ns-64', 'ns-256']
    .map((id) => scenarios[id])
    .filter((result) => result !== undefined);
  if (nonStreaming.length > 0) {
    lines.push(
      '',
      'How added latency grows with connections (non-streaming; added = minus direct at the same percentile, paired per repetition; share = requests/s as a share of the bare proxy in the same repetition):',
      '',
      '| connections | Signalbox (governance on) added p50 / p99 ms | governance off added p50 / p99 ms | bare proxy added p50 / p99 ms | governance on share of bare proxy | governance off share | `--workers` share | Signalbox RSS peak MB |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...nonStreaming.map(
        (result) =>
          `| ${String(result.connections)} | ${pair(result.signalboxAdded.p50, result.signalboxAdded.p99)} | ${pair(result.governanceOff?.added.p50, result.governanceOff?.added.p99)} | ${pair(result.bareProxyAdded.p50, result.bareProxyAdded.p99)} | ${percent(result.signalboxShareOfBareProxy)} | ${percent(result.governanceOff?.shareOfBareProxy)} | ${percent(result.workers?.shareOfBareProxy)} | ${String(result.targets.signalbox?.rssPeakMb ?? '')} |`,
      ),
    );
  }

  const withWorkers = Object.values(scenarios).filter((result) => result.workers !== undefined);
  if (withWorkers.length > 0) {
    lines.push(
      '',
      `Multi-core: Signalbox with governance on as one process and as \`serve --workers ${String(settings.workers)}\` (rate limits and budgets shared through a throwaway Redis, as \`--workers\` requires), CPU and RSS summed over the processes:`,
      '',
      '| scenario | bare proxy req/s | single process req/s | `--workers` req/s | single / `--workers` share of bare proxy | single / `--workers` CPU ms per 1,000 | single / `--workers` RSS peak MB |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...withWorkers.map((result) => {
        const single = result.targets.signalbox;
        const workers = result.targets['signalbox-workers'];
        return `| ${result.name} | ${String(result.targets['bare-proxy']?.requestsPerSecond)} | ${String(single?.requestsPerSecond)} | ${String(workers?.requestsPerSecond)} | ${percent(result.signalboxShareOfBareProxy)} / ${percent(result.workers?.shareOfBareProxy)} | ${String(single?.cpuMsPerThousand)} / ${String(workers?.cpuMsPerThousand)} | ${String(single?.rssPeakMb)} / ${String(workers?.rssPeakMb)} |`;
      }),
    );
  }

  const paced = Object.values(scenarios).filter(
    (result) => result.kind === 'paced-jitter' || result.kind === 'anthropic-first-token',
  );
  if (paced.length > 0) {
    lines.push(
      '',
      'Inter-chunk gaps of paced streams (the provider sends a token every 20 ms; deviation = |gap − 20 ms|; medians over repetitions of each run’s percentiles):',
      '',
      '| scenario | target | gap p50 / p99 ms | deviation p50 / p99 ms | first token p50 / p99 ms |',
      '|---|---|---:|---:|---:|',
    );
    for (const result of paced) {
      for (const [name, value] of Object.entries(result.targets) as [TargetName, TargetSummary][]) {
        lines.push(
          `| ${result.name} | ${targetLabel(name)} | ${pair(value.chunkGapP50, value.chunkGapP99)} | ${pair(value.chunkGapDeviationP50, value.chunkGapDeviationP99)} | ${pair(value.firstTokenP50, value.firstTokenP99)} |`,
        );
      }
    }
  }

  const throughput = scenarios['cross-dialect'];
  if (throughput !== undefined) {
    lines.push(
      '',
      'Cross-dialect chunk throughput (an unpaced 2,000-token Anthropic stream; direct and the bare proxy deliver Anthropic `text_delta` events, Signalbox OpenAI chunks translated from them):',
      '',
      '| target | token chunks/s | streams/s | CPU ms per 1,000 streams |',
      '|---|---:|---:|---:|',
      ...(Object.entries(throughput.targets) as [TargetName, TargetSummary][]).map(
        ([name, value]) =>
          `| ${targetLabel(name)} | ${String(value.chunksPerSecond)} | ${String(value.requestsPerSecond)} | ${String(value.cpuMsPerThousand)} |`,
      ),
      '',
      `Signalbox's chunk throughput as a share of the bare proxy's, paired per repetition: ${percent(throughput.signalboxShareOfBareProxy)}.`,
    );
  }

  const parts = scenarios['governance-parts'];
  if (parts !== undefined) {
    lines.push(
      '',
      'What each part of governance costs: Signalbox with governance off plus that one part, minus governance off, paired per repetition (non-streaming, 1 connection):',
      '',
      '| part | added p50 / p99 ms | req/s | CPU ms per 1,000 requests |',
      '|---|---:|---:|---:|',
      ...(Object.entries(parts.partsAddedOverGovernanceOff) as [GovernancePart, Added][]).map(
        ([part, added]) => {
          const target = parts.targets[`governance-off+${part}`];
          return `| ${part} | ${pair(added.p50, added.p99)} | ${String(target?.requestsPerSecond)} | ${String(target?.cpuMsPerThousand)} |`;
        },
      ),
    );
  }

  lines.push('', ...acceptanceTable(report));

  lines.push(
    '',
    `Signalbox (governance on) resident memory: ${String(report.signalboxMemoryMb.afterStart)} MB after start, ${String(report.signalboxMemoryMb.afterRuns)} MB after the runs, peak ${String(report.signalboxMemoryMb.peak)} MB (VmHWM).`,
  );
  const routing = report.routingDecisionMicros;
  const lookup = report.semanticLookupMillis;
  if (routing === undefined || lookup === undefined) return lines.join('\n');
  lines.push(
    '',
    `Routing decision time: planning one request (request facts, rules, eligibility, strategy, trace; no I/O) for a ten-deployment group, ${routing.plans.toLocaleString('en')} plans per row in one process:`,
    '',
    '| group | p50 µs | p99 µs |',
    '|---|---:|---:|',
    ...Object.entries(routing.results).map(
      ([group, result]) => `| ${group} | ${String(result.p50)} | ${String(result.p99)} |`,
    ),
  );
  lines.push(
    '',
    `Semantic-cache lookup: ${lookup.encoder}, ${lookup.entries.toLocaleString('en')} entries in one partition (plus smaller partitions beside it), ${lookup.queries.toLocaleString('en')} queries of ${String(lookup.meanQueryCharacters)} characters on average:`,
    '',
    '| step | p50 ms | p99 ms |',
    '|---|---:|---:|',
    ...(
      [
        ['encode the prompt', lookup.millis.encode],
        ['search the partition', lookup.millis.search],
        ['encode and search', lookup.millis.encodeAndSearch],
        ['search a 5,000-entry partition', lookup.millis.searchSmallPartition],
      ] as const
    ).map(([step, result]) => `| ${step} | ${String(result.p50)} | ${String(result.p99)} |`),
  );
  return lines.join('\n');
}

/** One row per acceptance item of issue 11: its target, the measured value, pass or fail. */
function acceptanceTable(report: BenchReport): string[] {
  const scenarios = report.scenarios;
  const rows: string[] = [];
  const row = (
    item: string,
    target: string,
    measured: string,
    pass: boolean | 'noise' | undefined,
  ): void => {
    const result =
      pass === undefined
        ? 'not measured'
        : pass === 'noise'
          ? 'no verdict: added p99 below added p50 (the tails were noise)'
          : pass
            ? 'pass'
            : '**fail**';
    rows.push(`| ${item} | ${target} | ${measured} | ${result} |`);
  };
  /**
   * An added p99 within `limitMs`. One below the added p50 is no verdict: the two targets' tails
   * (a handful of samples in the paced scenarios) differed by more than the gateway's own time.
   */
  const addedP99Within = (added: Added, limitMs: number): boolean | 'noise' =>
    added.p99 < added.p50 ? 'noise' : added.p99 <= limitMs;
  const one = scenarios['ns-1'];
  row(
    'governance on, non-streaming, 1 connection: added p50 over direct',
    '≤ 0.25 ms',
    one === undefined ? '' : `${String(one.signalboxAdded.p50)} ms`,
    one === undefined ? undefined : one.signalboxAdded.p50 <= 0.25,
  );
  row(
    'governance on, non-streaming, 1 connection: added p99 over direct',
    '≤ 1.0 ms',
    one === undefined ? '' : `${String(one.signalboxAdded.p99)} ms`,
    one === undefined ? undefined : addedP99Within(one.signalboxAdded, 1),
  );
  for (const id of ['ns-16', 'ns-64']) {
    const result = scenarios[id];
    row(
      `governance on, non-streaming, ${id.slice(3)} connections: req/s as share of the bare proxy (single process vs single process)`,
      '≥ 85%',
      result === undefined
        ? ''
        : `${percent(result.signalboxShareOfBareProxy)} (\`--workers ${String(report.settings.workers)}\`: ${percent(result.workers?.shareOfBareProxy)})`,
      result === undefined ? undefined : result.signalboxShareOfBareProxy >= 0.85,
    );
  }
  for (const id of ['stream-1', 'stream-16']) {
    const result = scenarios[id];
    row(
      `streaming, ${String(result?.connections ?? id.slice(7))} connection${id === 'stream-1' ? '' : 's'}: time to first token added p99`,
      '≤ 1 ms',
      result === undefined ? '' : `${String(result.signalboxAdded.p99)} ms`,
      result === undefined ? undefined : addedP99Within(result.signalboxAdded, 1),
    );
  }
  const anthropic = scenarios['anthropic-ttft'];
  row(
    'cross-dialect streaming (Anthropic upstream, OpenAI ingress): time to first token added p99',
    '≤ 1 ms',
    anthropic === undefined ? '' : `${String(anthropic.signalboxAdded.p99)} ms`,
    anthropic === undefined ? undefined : addedP99Within(anthropic.signalboxAdded, 1),
  );
  const crossDialect = scenarios['cross-dialect'];
  row(
    'cross-dialect streaming: chunk throughput as share of the pass-through',
    '≥ 80%',
    percent(crossDialect?.signalboxShareOfBareProxy),
    crossDialect === undefined ? undefined : crossDialect.signalboxShareOfBareProxy >= 0.8,
  );
  const peaks = Object.values(scenarios)
    .map((result) => result.targets.signalbox?.rssPeakMb)
    .filter((value): value is number => value !== undefined);
  const peak = peaks.length === 0 ? undefined : Math.max(...peaks);
  row(
    'RSS under load (Signalbox, governance on, one process; peak of the samples every 100 ms)',
    '≤ 150 MB',
    peak === undefined ? '' : `${String(peak)} MB`,
    peak === undefined ? undefined : peak <= 150,
  );
  return [
    'Acceptance targets (issue 11), from this run:',
    '',
    '| item | target | measured | result |',
    '|---|---|---:|---|',
    ...rows,
  ];
}
