// A closed-loop HTTP load generator: `connections` loops, each sending one request and waiting
// for its whole answer before the next, for a fixed time after a warm-up. Prints one JSON line.
// Latencies are measured with performance.now() per request, so sub-millisecond differences show.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

interface LoadOptions {
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Measure the time to the first body byte as well (streaming). */
  readonly stream: boolean;
  /**
   * With `stream`: measure to the first moment the body so far matches this pattern (the first
   * token of the answer) instead of to the first byte, for wire formats that send a preamble.
   */
  readonly firstTokenPattern?: string;
  /**
   * With `stream`: a chunk matching this pattern carries a token. The gaps between successive
   * token-bearing chunks of one response are recorded (the inter-chunk jitter of a paced stream).
   */
  readonly tokenPattern?: string;
  /** The provider's pace in ms per chunk: gaps are also reported as their distance from it. */
  readonly paceMs?: number;
  /**
   * Count the matches of this pattern in each whole response body (token events), reported as
   * events delivered per second over the run: the chunk throughput of an unpaced stream.
   */
  readonly countPattern?: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Percentiles;
  readonly firstByteMs: Percentiles | undefined;
  /** Gaps between successive token-bearing chunks, with `tokenPattern`. */
  readonly chunkGapMs?: Percentiles;
  /** |gap − paceMs| of the same gaps, with `tokenPattern` and `paceMs`. */
  readonly chunkGapDeviationMs?: Percentiles;
  /** Matches of `countPattern` in all bodies answered in the run, per second. */
  readonly eventsPerSecond?: number;
  /**
   * Requests still unanswered when the measurement ended that had been waiting for over a second,
   * and the oldest one's age: a request that hangs never finishes inside the run, so no latency
   * percentile can show it, only the throughput it takes away.
   */
  readonly stuck: { readonly count: number; readonly oldestMs: number };
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(samples: Float64Array, count: number): Percentiles {
  const sorted = samples.slice(0, count).sort();
  const at = (fraction: number): number =>
    sorted[Math.min(count - 1, Math.floor(fraction * count))] ?? Number.NaN;
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[count - 1] ?? Number.NaN),
  };
}

async function run(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const capacity = 4_000_000;
  const latencies = new Float64Array(capacity);
  const firstBytes = new Float64Array(capacity);
  const gaps = new Float64Array(capacity);
  let gapCount = 0;
  let events = 0;
  let count = 0;
  let errors = 0;
  let measuring = false;
  let stopped = false;
  const body = Buffer.from(options.body);
  const firstToken =
    options.firstTokenPattern === undefined ? undefined : new RegExp(options.firstTokenPattern);
  const tokenChunk =
    options.tokenPattern === undefined ? undefined : new RegExp(options.tokenPattern);
  const countEvents =
    options.countPattern === undefined ? undefined : new RegExp(options.countPattern, 'g');

  /** When each loop's request in flight was sent (NaN between requests). */
  const sentAt = new Float64Array(options.connections).fill(Number.NaN);

  const loop = async (index: number): Promise<void> => {
    while (!stopped) {
      const started = performance.now();
      sentAt[index] = started;
      let firstByte = Number.NaN;
      try {
        const response = await pool.request({
          path: options.path,
          method: 'POST',
          headers: options.headers,
          body,
        });
        let seen = '';
        let whole = '';
        let lastTokenChunk = Number.NaN;
        const responseGaps: number[] = [];
        for await (const chunk of response.body) {
          if (countEvents !== undefined) whole += (chunk as Buffer).toString('utf8');
          if (tokenChunk?.test((chunk as Buffer).toString('utf8')) === true) {
            const now = performance.now();
            if (!Number.isNaN(lastTokenChunk)) responseGaps.push(now - lastTokenChunk);
            lastTokenChunk = now;
          }
          if (!Number.isNaN(firstByte) || (chunk as Buffer).length === 0) continue;
          if (firstToken === undefined) {
            firstByte = performance.now();
            continue;
          }
          seen += (chunk as Buffer).toString('utf8');
          if (firstToken.test(seen)) firstByte = performance.now();
        }
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
        if (measuring && count < capacity) {
          latencies[count] = performance.now() - started;
          firstBytes[count] = firstByte - started;
          count += 1;
          for (const gap of responseGaps) if (gapCount < capacity) gaps[gapCount++] = gap;
          events += countEvents === undefined ? 0 : (whole.match(countEvents)?.length ?? 0);
        }
      } catch {
        if (measuring) errors += 1;
        continue;
      } finally {
        sentAt[index] = Number.NaN;
      }
    }
  };

  const loops = Array.from({ length: options.connections }, (_, index) => loop(index));
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  measuring = true;
  const measuredFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  measuring = false;
  const endedAt = performance.now();
  const elapsed = endedAt - measuredFrom;
  const waiting = [...sentAt].map((at) => endedAt - at).filter((age) => age > 1000);
  stopped = true;
  await Promise.all(loops);
  await pool.close();
  return {
    requests: count,
    errors,
    requestsPerSecond: Math.round((count / elapsed) * 1000),
    stuck: { count: waiting.length, oldestMs: Math.round(Math.max(0, ...waiting)) },
    latencyMs: percentiles(latencies, count),
    firstByteMs: options.stream ? percentiles(firstBytes, count) : undefined,
    ...(tokenChunk === undefined || gapCount === 0
      ? {}
      : {
          chunkGapMs: percentiles(gaps, gapCount),
          ...(options.paceMs === undefined
            ? {}
            : {
                chunkGapDeviationMs: percentiles(
                  gaps.slice(0, gapCount).map((gap) => Math.abs(gap - (options.paceMs ?? 0))),
                  gapCount,
                ),
              }),
        }),
    ...(countEvents === undefined
      ? {}
      : { eventsPerSecond: Math.round((events / elapsed) * 1000) }),
  };
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
process.stdout.write(`${JSON.stringify(await run(options))}\n`);
