// `npm run soak` (not in CI): a Signalbox gateway process with governance on, under a steady
// open-loop load for 30 minutes, with faults at a few percent between it and the mock provider
// (scripted upstream errors, stalls and disconnects, network faults through the TCP fault proxy,
// clients disconnecting mid-stream). Samples the gateway's memory every 10 s, then checks that no
// request was lost from the request log, the spend ledger or the audit trail, that no budget
// hold was left, and that the audit chain verifies. Writes results JSON and an SVG memory chart.
// Options: --minutes N (default 30), --rate R requests/s (default 120), --seed S (default 1),
// --out DIR (default test-artifacts/soak), --fault-every N seconds (default 30), --keep-state
// (keep the gateway's temporary state directory, for a look at the request log afterwards).
// Needs the build (`npm run soak` builds first, like `npm run bench`).
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cpuMilliseconds,
  residentMemoryKb,
  startProcess,
  stopProcess,
} from '../bench/server-processes.ts';
import { systemClock } from '../src/lib/clock.ts';
import { createSeededRandom } from '../src/lib/random.ts';
import { startMockProvider } from '../src/mock-provider/mock-provider-server.ts';
import { startFaultProxy } from '../test/helpers/fault-proxy.ts';
import { renderMemoryChart } from './soak/soak-chart.ts';
import { soakConfigYaml, soakPolicyYaml, soakTeams } from './soak/soak-config.ts';
import { AdminClient, checkInvariants, type InvariantReport } from './soak/soak-invariants.ts';
import { scheduleNetworkFaults } from './soak/soak-network-faults.ts';
import {
  OpenLoopTraffic,
  planRequest,
  type SoakKey,
  type TrafficInterval,
} from './soak/soak-traffic.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'test-artifacts/soak' },
    'fault-every': { type: 'string', default: '30' },
    'keep-state': { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const seed = Number(values.seed);
const faultEverySeconds = Number(values['fault-every']);
const outDirectory = resolve(root, values.out);
const sampleSeconds = 10;
/** Warm-up: the first minute (a tenth of a short run); "start" memory is read after it. */
const warmupSeconds = Math.min(60, Math.round(minutes * 6));
const adminKey = 'soak-admin-key-0123456789abcdefghijklmnop';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const round1 = (value: number): number => Math.round(value * 10) / 10;

if (!existsSync(join(root, 'dist/cli/main.js'))) {
  log('dist/cli/main.js is missing: run `npm run build` first (`npm run soak` does).');
  process.exit(2);
}
mkdirSync(outDirectory, { recursive: true });

// --- the mock providers, the fault proxy and the gateway ------------------------------------
const mockOptions = { latencyMs: 5, tokensPerSecond: 400, recordLimit: 0 };
const primaryMock = await startMockProvider({ ...mockOptions, name: 'primary' });
const backupMock = await startMockProvider({ ...mockOptions, name: 'backup' });
const proxy = await startFaultProxy({ host: '127.0.0.1', port: primaryMock.port });
const stateDirectory = mkdtempSync(join(tmpdir(), 'signalbox-soak-'));
const configPath = join(stateDirectory, 'signalbox.yaml');
writeFileSync(
  configPath,
  soakConfigYaml({
    primaryBaseUrl: `http://127.0.0.1:${proxy.port}/v1`,
    backupBaseUrl: backupMock.baseUrl,
    rate,
  }),
);
const gatewayLog = createWriteStream(join(outDirectory, 'gateway-stderr.log'));
const gateway = await startProcess(
  [
    'dist/cli/main.js',
    'serve',
    '--config',
    configPath,
    '--port',
    '0',
    '--state-dir',
    join(stateDirectory, 'state'),
  ],
  /listening on (http:\/\/[^\s]+) /,
  { SIGNALBOX_ADMIN_KEY: adminKey },
  gatewayLog,
);
// Removed however the run ends, after bench/server-processes.ts has killed the gateway (exit
// handlers run in the order they were added).
process.on('exit', () => {
  if (!values['keep-state']) rmSync(stateDirectory, { recursive: true, force: true });
});
const gatewayPid = gateway.child.pid;
let gatewayExit: string | undefined;
gateway.child.once('exit', (code, signal) => {
  gatewayExit = `code ${String(code)}, signal ${String(signal)}`;
});
const admin = new AdminClient(gateway.url, adminKey);
const keys: SoakKey[] = [];
for (const { team } of soakTeams) {
  const created = await admin.json(
    'POST',
    '/admin/keys',
    JSON.stringify({ name: `soak-${team}`, team }),
  );
  keys.push({ team, key: String(created.key) });
}
await admin.call('PUT', '/admin/policy', soakPolicyYaml, 'application/yaml');
log(`gateway ${gateway.url} (pid ${String(gatewayPid)}), state ${stateDirectory}`);

// --- memory and traffic samples ---------------------------------------------------------------
interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
  readonly rssPeakMb: number;
  readonly heapUsedMb: number | null;
  readonly heapTotalMb: number | null;
  readonly externalMb: number | null;
  /** Gateway CPU over the interval, percent of one core. */
  readonly cpuPercent: number;
  readonly requestsPerSecond: number;
  readonly traffic: TrafficInterval;
}

function metricValue(text: string, name: string): number | null {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

async function heapFromMetrics(): Promise<{
  used: number | null;
  total: number | null;
  external: number | null;
}> {
  try {
    const text = await admin.call('GET', '/metrics');
    const mb = (bytes: number | null): number | null =>
      bytes === null ? null : round1(bytes / 2 ** 20);
    return {
      used: mb(metricValue(text, 'nodejs_heap_size_used_bytes')),
      total: mb(metricValue(text, 'nodejs_heap_size_total_bytes')),
      external: mb(metricValue(text, 'nodejs_external_memory_bytes')),
    };
  } catch {
    return { used: null, total: null, external: null };
  }
}

const samples: Sample[] = [];
const random = createSeededRandom(seed);
const traffic = new OpenLoopTraffic(gateway.url, (sequence) => planRequest(random, keys, sequence));
// The setup's own audit records (key creations, the policy) are written behind their answers.
await sleep(1000);
const auditBaseline = await admin.auditRecords();
const since = new Date(systemClock.now() - 1000).toISOString();
const loadStarted = systemClock.monotonic();
const startedAt = new Date(systemClock.now()).toISOString();
let lastCpu = cpuMilliseconds(gatewayPid);
let lastSampleAt = loadStarted;

async function takeSample(): Promise<void> {
  if (gatewayExit !== undefined) return;
  const now = systemClock.monotonic();
  const memory = residentMemoryKb(gatewayPid);
  const cpu = cpuMilliseconds(gatewayPid);
  const heap = await heapFromMetrics();
  const interval = traffic.takeInterval();
  const elapsedMs = now - lastSampleAt;
  const sample: Sample = {
    seconds: round1((now - loadStarted) / 1000),
    rssMb: round1(memory.rss / 1024),
    rssPeakMb: round1(memory.peak / 1024),
    heapUsedMb: heap.used,
    heapTotalMb: heap.total,
    externalMb: heap.external,
    cpuPercent: round1(((cpu - lastCpu) / elapsedMs) * 100),
    requestsPerSecond: round1((interval.finished / elapsedMs) * 1000),
    traffic: interval,
  };
  lastCpu = cpu;
  lastSampleAt = now;
  samples.push(sample);
  log(
    `${String(sample.seconds).padStart(6)} s  RSS ${sample.rssMb} MB  heap ${String(sample.heapUsedMb)} MB  CPU ${sample.cpuPercent}%  ${sample.requestsPerSecond} req/s  errors ${interval.errors}  p50 ${String(interval.p50Ms)} ms  p99 ${String(interval.p99Ms)} ms`,
  );
}

// --- the run ------------------------------------------------------------------------------------
log(
  `soak: ${minutes} min at ${rate} req/s (seed ${seed}), a network fault every ${faultEverySeconds} s; samples every ${sampleSeconds} s`,
);
await takeSample();
traffic.start(rate);
const faults = scheduleNetworkFaults(proxy, faultEverySeconds);
const sampler = setInterval(() => void takeSample(), sampleSeconds * 1000);
const runEnds = loadStarted + minutes * 60_000;
while (systemClock.monotonic() < runEnds && gatewayExit === undefined) {
  await sleep(Math.min(1000, Math.max(0, runEnds - systemClock.monotonic())));
}
traffic.stop();
faults.stop();
clearInterval(sampler);
const loadSeconds = (systemClock.monotonic() - loadStarted) / 1000;
const stillInFlight = await traffic.drain(30_000);
await takeSample();
// The request log writes every 100 ms, audit group commits wait up to 20 ms, the ledger writes
// behind the answers: a few seconds is ample for every writer to flush.
await sleep(5000);

let invariants: InvariantReport | undefined;
let invariantError: string | undefined;
if (gatewayExit === undefined) {
  try {
    invariants = await checkInvariants(admin, {
      since,
      traffic: traffic.totals,
      respondedIds: traffic.respondedIds,
      auditBaseline,
    });
  } catch (error) {
    invariantError = error instanceof Error ? error.message : String(error);
  }
} else {
  invariantError = `the gateway exited during the soak (${gatewayExit})`;
}
const finalMemory = gatewayExit === undefined ? residentMemoryKb(gatewayPid) : undefined;
await traffic.close();
await stopProcess(gateway.child);
await proxy.close();
await primaryMock.close();
await backupMock.close();
gatewayLog.end();
if (values['keep-state']) log(`state kept in ${stateDirectory}`);

// --- summary ------------------------------------------------------------------------------------
function mean(values: readonly number[]): number {
  return values.length === 0
    ? Number.NaN
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}
const afterWarmup = samples.filter((sample) => sample.seconds >= warmupSeconds);
/** The growth windows: 5 minutes, or a third of the measured part of a shorter run. */
const windowSeconds = Math.min(300, (loadSeconds - warmupSeconds) / 3);
const firstWindow = afterWarmup.filter((sample) => sample.seconds < warmupSeconds + windowSeconds);
const lastWindow = afterWarmup.filter((sample) => sample.seconds > loadSeconds - windowSeconds);
const firstMean = mean(firstWindow.map((sample) => sample.rssMb));
const lastMean = mean(lastWindow.map((sample) => sample.rssMb));
const totals = traffic.totals;
const errorKinds = Object.fromEntries(
  Object.entries(totals.byKind)
    .filter(([kind]) => kind !== 'ok')
    .sort(([, left], [, right]) => right - left),
);
const summary = {
  rssMb: {
    afterWarmup: afterWarmup[0]?.rssMb ?? null,
    peakSampled: Math.max(...samples.map((sample) => sample.rssMb)),
    peakVmHwm: finalMemory === undefined ? null : round1(finalMemory.peak / 1024),
    end: samples.at(-1)?.rssMb ?? null,
    firstWindowMean: round1(firstMean),
    lastWindowMean: round1(lastMean),
    windowSeconds: Math.round(windowSeconds),
    growthPercent: round1(((lastMean - firstMean) / firstMean) * 100),
  },
  heapUsedMb: {
    afterWarmup: afterWarmup[0]?.heapUsedMb ?? null,
    peak: Math.max(...samples.map((sample) => sample.heapUsedMb ?? 0)),
    end: samples.at(-1)?.heapUsedMb ?? null,
  },
  requests: {
    started: totals.started,
    responded: totals.responded,
    admitted: totals.admitted,
    skippedOverInFlightCap: totals.skipped,
    transportErrors: totals.transportErrors,
    stillInFlightAfterDrain: stillInFlight,
    servedAfterRetryOrFallback: totals.servedAfterRetryOrFallback,
    targetRate: rate,
    achievedRate: round1(totals.responded / loadSeconds),
    ok: totals.byKind.ok ?? 0,
  },
  errorsByKind: errorKinds,
  errorExamples: totals.examples,
  faultsInjected: { scripted: totals.faults, network: faults.injected },
  latencyMs: {
    p50Median: mean(
      samples.flatMap((sample) => (sample.traffic.p50Ms === null ? [] : [sample.traffic.p50Ms])),
    ),
    p99Max: Math.max(...samples.map((sample) => sample.traffic.p99Ms ?? 0)),
  },
  invariants: invariants ?? { ok: false, error: invariantError },
};
const report = {
  date: startedAt,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  settings: { minutes, rate, seed, faultEverySeconds, sampleSeconds, warmupSeconds },
  summary,
  samples,
};
writeFileSync(join(outDirectory, 'soak-results.json'), `${JSON.stringify(report, null, 2)}\n`);
const toMinutes = (seconds: number): number => seconds / 60;
writeFileSync(
  join(outDirectory, 'soak-memory.svg'),
  renderMemoryChart({
    title: `Signalbox gateway memory, ${minutes}-minute soak at ${rate} requests/s`,
    subtitle: `${startedAt.slice(0, 10)}, ${report.machine.cores} cores, Node ${process.version}; faults at a few percent; RSS from /proc, heap from /metrics every ${sampleSeconds} s`,
    minutes: toMinutes(loadSeconds),
    warmupMinutes: toMinutes(warmupSeconds),
    series: [
      {
        label: 'resident memory (VmRSS)',
        colour: '#1f6feb',
        points: samples.map((sample) => [toMinutes(sample.seconds), sample.rssMb] as const),
      },
      {
        label: 'V8 heap total',
        colour: '#8957e5',
        dashed: true,
        points: samples.map(
          (sample) => [toMinutes(sample.seconds), sample.heapTotalMb ?? Number.NaN] as const,
        ),
      },
      {
        label: 'V8 heap used',
        colour: '#2da44e',
        points: samples.map(
          (sample) => [toMinutes(sample.seconds), sample.heapUsedMb ?? Number.NaN] as const,
        ),
      },
    ],
  }),
);

const rows: [string, string][] = [
  [
    'load',
    `${round1(loadSeconds / 60)} min, target ${rate} req/s, achieved ${summary.requests.achievedRate} req/s`,
  ],
  [
    'requests started / answered / admitted',
    `${totals.started} / ${totals.responded} / ${totals.admitted}`,
  ],
  ['ok / not ok', `${summary.requests.ok} / ${totals.responded - summary.requests.ok}`],
  ['served after a retry or a fallback', String(totals.servedAfterRetryOrFallback)],
  [
    'transport errors / skipped / still in flight',
    `${totals.transportErrors} / ${totals.skipped} / ${stillInFlight}`,
  ],
  [
    'RSS after warm-up / peak / end (MB)',
    `${String(summary.rssMb.afterWarmup)} / ${summary.rssMb.peakSampled} (VmHWM ${String(summary.rssMb.peakVmHwm)}) / ${String(summary.rssMb.end)}`,
  ],
  [
    `RSS growth, first vs last ${summary.rssMb.windowSeconds} s mean`,
    `${summary.rssMb.firstWindowMean} -> ${summary.rssMb.lastWindowMean} MB (${summary.rssMb.growthPercent}%)`,
  ],
  [
    'heap used after warm-up / peak / end (MB)',
    `${String(summary.heapUsedMb.afterWarmup)} / ${summary.heapUsedMb.peak} / ${String(summary.heapUsedMb.end)}`,
  ],
  [
    'latency p50 (mean of intervals) / worst interval p99 (ms)',
    `${round1(summary.latencyMs.p50Median)} / ${summary.latencyMs.p99Max}`,
  ],
  [
    'errors by kind',
    Object.entries(errorKinds)
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(', '),
  ],
  [
    'faults injected',
    Object.entries({ ...totals.faults, ...faults.injected })
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(', '),
  ],
];
log('\n| figure | value |\n|---|---|');
for (const [name, value] of rows) log(`| ${name} | ${value} |`);
if (invariants !== undefined) {
  log('\n| invariant | expected | actual | ok |\n|---|---:|---:|---|');
  for (const check of invariants.checks) {
    log(`| ${check.name} | ${check.expected} | ${check.actual} | ${check.ok ? 'yes' : '**NO**'} |`);
  }
  log(
    `\nrecords lost: request log ${invariants.recordsLost.requestLog}, ledger ${invariants.recordsLost.ledger}, audit ${invariants.recordsLost.audit}`,
  );
} else {
  log(`\ninvariants not checked: ${String(invariantError)}`);
}
log(
  `\nresults: ${join(outDirectory, 'soak-results.json')}\nchart: ${join(outDirectory, 'soak-memory.svg')}`,
);
process.exit(invariants?.ok === true ? 0 : 1);
