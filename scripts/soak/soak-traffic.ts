/**
 * The soak's traffic: what each request is (a seeded mix of teams, ingress dialects, streaming,
 * aliases, PII, denied words and scripted upstream faults) and an open-loop sender that starts
 * requests at a fixed rate whatever the answers' speed, counting every outcome client-side.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { Random } from '../../src/lib/random.ts';
import { deniedWord, soakAliases, soakTeams } from './soak-config.ts';

/** A virtual key the soak made, with its team. */
export interface SoakKey {
  readonly team: string;
  readonly key: string;
}

/**
 * The upstream faults a request scripts with a `!mock` line, and the client's own fault. Each is
 * chosen independently per request with the probability in {@link scriptedFaultShares}.
 */
export type ScriptedFault =
  | 'first-503-then-fallback'
  | 'both-500'
  | 'first-slow-first-byte'
  | 'first-disconnect-mid-stream'
  | 'first-stall-mid-stream'
  | 'client-disconnect-mid-stream';

/** Share of requests (of streams, for the stream-only faults) that get each fault. */
export const scriptedFaultShares: Readonly<Record<ScriptedFault, number>> = {
  'first-503-then-fallback': 0.02,
  'both-500': 0.005,
  'first-slow-first-byte': 0.005,
  'first-disconnect-mid-stream': 0.02,
  'first-stall-mid-stream': 0.005,
  'client-disconnect-mid-stream': 0.03,
};

/**
 * The `!mock` line of each upstream fault. `first` faults address `primary`, which `chat` tries
 * first and `quick` every other time; the other deployment then answers.
 */
function directive(fault: Exclude<ScriptedFault, 'client-disconnect-mid-stream'>): string {
  const first = 'primary';
  switch (fault) {
    case 'first-503-then-fallback':
      return `!mock:${first} status=503`;
    case 'both-500':
      return '!mock status=500';
    // Past the first provider's first_byte_ms (1 s): a timeout, one retry, then the fallback.
    case 'first-slow-first-byte':
      return `!mock:${first} delay_ms=1200`;
    case 'first-disconnect-mid-stream':
      return `!mock:${first} disconnect_after=3`;
    // Past the first provider's idle_ms (1 s) after the stream started: an in-stream error.
    case 'first-stall-mid-stream':
      return `!mock:${first} stall_after=2 stall_ms=2500`;
  }
}

const streamOnly = new Set<ScriptedFault>([
  'first-disconnect-mid-stream',
  'first-stall-mid-stream',
  'client-disconnect-mid-stream',
]);

export interface PlannedRequest {
  readonly path: '/v1/chat/completions' | '/v1/messages';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly stream: boolean;
  readonly faults: readonly ScriptedFault[];
}

function pick<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  let left = random.next();
  for (const [value, share] of entries) {
    if (left < share) return value;
    left -= share;
  }
  const last = entries.at(-1);
  if (last === undefined) throw new Error('nothing to pick from');
  return last[0];
}

/** The `sequence`th request of the soak, drawn from `random`. */
export function planRequest(
  random: Random,
  keys: readonly SoakKey[],
  sequence: number,
): PlannedRequest {
  const team = pick(
    random,
    soakTeams.map((entry) => [entry.team, entry.share] as const),
  );
  const key = keys.find((entry) => entry.team === team)?.key ?? '';
  const anthropic = random.next() < 0.5;
  const stream = random.next() < 0.4;
  const alias = soakAliases[random.next() < 0.5 ? 0 : 1];
  const faults = (Object.keys(scriptedFaultShares) as ScriptedFault[]).filter(
    (fault) => (stream || !streamOnly.has(fault)) && random.next() < scriptedFaultShares[fault],
  );
  const lines = faults
    .filter((fault) => fault !== 'client-disconnect-mid-stream')
    .map((fault) => directive(fault));
  const contact = random.next() < 0.05 ? ' Reply to ada.lovelace@example.com.' : '';
  const denied = random.next() < 0.01 ? ` Project ${deniedWord} is late.` : '';
  lines.push(`Summarise soak request ${sequence} in one line.${contact}${denied}`);
  const content = lines.join('\n');
  const messages = [{ role: 'user', content }];
  const body = anthropic
    ? { model: alias, max_tokens: 64, messages, ...(stream ? { stream: true } : {}) }
    : { model: alias, messages, ...(stream ? { stream: true } : {}) };
  return {
    path: anthropic ? '/v1/messages' : '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    stream,
    faults,
  };
}

/** Requests started, answered and how, since the soak began. */
export interface TrafficTotals {
  started: number;
  /** Not started because too many were in flight (the gateway fell behind the rate). */
  skipped: number;
  /** Got response headers (a status) from the gateway. */
  responded: number;
  /**
   * Admitted to spend accounting, as the client can tell: status 200 (a stream that fails later
   * included), or an error after the plan ran (`x-signalbox-attempts` is set). Refusals before
   * admission (rate limit, policy, budget, no deployment open) carry no attempts.
   */
  admitted: number;
  /** Answered after a retry or by a fallback (`x-signalbox-route` says so). */
  servedAfterRetryOrFallback: number;
  /** No response at all (connection error before the headers). */
  transportErrors: number;
  /** Outcomes by kind: `ok`, `stream-error`, `client-disconnect`, `<status> <SB_ERR_...>`. */
  readonly byKind: Record<string, number>;
  /** Scripted faults sent, by kind. */
  readonly faults: Record<string, number>;
  /**
   * For each error kind, the first few answers' `x-signalbox-attempt-errors` (deployment, failure
   * class, provider status and time of every attempt) and the faults the request scripted.
   */
  readonly examples: Record<string, string[]>;
}

/** What one sampling interval saw. */
export interface TrafficInterval {
  readonly finished: number;
  readonly successes: number;
  readonly errors: number;
  /** Percentiles of the whole-answer time of successful requests, in ms. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly byKind: Record<string, number>;
}

function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return value === undefined ? null : Math.round(value * 10) / 10;
}

/**
 * Sends planned requests at a fixed rate (open loop) through one connection pool and counts
 * their outcomes. `stop()` stops starting new ones; `drain()` waits for those in flight.
 */
export class OpenLoopTraffic {
  readonly totals: TrafficTotals = {
    started: 0,
    skipped: 0,
    responded: 0,
    admitted: 0,
    servedAfterRetryOrFallback: 0,
    transportErrors: 0,
    byKind: {},
    faults: {},
    examples: {},
  };
  /** The `x-signalbox-request-id` of every answered request, for the request-log check. */
  readonly respondedIds = new Set<string>();
  private readonly pool: Pool;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private intervalLatencies: number[] = [];
  private intervalKinds: Record<string, number> = {};

  private readonly plan: (sequence: number) => PlannedRequest;
  private readonly maxInFlight: number;

  constructor(gatewayUrl: string, plan: (sequence: number) => PlannedRequest, maxInFlight = 2000) {
    this.plan = plan;
    this.maxInFlight = maxInFlight;
    this.pool = new Pool(gatewayUrl, { connections: 512, pipelining: 1 });
  }

  /** Starts `rate` requests a second, on a 10 ms tick, until `stop()`. */
  start(rate: number): void {
    const began = performance.now();
    let due = 0;
    this.timer = setInterval(() => {
      const target = Math.floor(((performance.now() - began) / 1000) * rate);
      for (; due < target; due += 1) {
        if (this.inFlight.size >= this.maxInFlight) {
          this.totals.skipped += 1;
          continue;
        }
        const sending = this.send(this.plan(due));
        this.inFlight.add(sending);
        void sending.finally(() => this.inFlight.delete(sending));
      }
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Waits for the requests in flight, at most `timeoutMs`; resolves with how many remain. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight.size > 0 && performance.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => setTimeout(resolve, 500)),
      ]);
    }
    return this.inFlight.size;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** What happened since the previous call. */
  takeInterval(): TrafficInterval {
    const latencies = this.intervalLatencies.sort((left, right) => left - right);
    const byKind = this.intervalKinds;
    this.intervalLatencies = [];
    this.intervalKinds = {};
    const finished = Object.values(byKind).reduce((sum, count) => sum + count, 0);
    return {
      finished,
      successes: byKind.ok ?? 0,
      errors: finished - (byKind.ok ?? 0),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      byKind,
    };
  }

  private count(kind: string): void {
    this.totals.byKind[kind] = (this.totals.byKind[kind] ?? 0) + 1;
    this.intervalKinds[kind] = (this.intervalKinds[kind] ?? 0) + 1;
  }

  private async send(request: PlannedRequest): Promise<void> {
    this.totals.started += 1;
    for (const fault of request.faults) {
      this.totals.faults[fault] = (this.totals.faults[fault] ?? 0) + 1;
    }
    const disconnect = request.faults.includes('client-disconnect-mid-stream');
    const abort = new AbortController();
    const started = performance.now();
    let response;
    try {
      response = await this.pool.request({
        path: request.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: abort.signal,
      });
    } catch {
      this.totals.transportErrors += 1;
      this.count('transport');
      return;
    }
    this.totals.responded += 1;
    const requestId = response.headers['x-signalbox-request-id'];
    if (typeof requestId === 'string') this.respondedIds.add(requestId);
    if (response.statusCode === 200 || response.headers['x-signalbox-attempts'] !== undefined) {
      this.totals.admitted += 1;
    }
    const route = response.headers['x-signalbox-route'];
    if (typeof route === 'string' && /; (retry|fallback)/.test(route)) {
      this.totals.servedAfterRetryOrFallback += 1;
    }
    let text = '';
    try {
      for await (const chunk of response.body) {
        text += (chunk as Buffer).toString('utf8');
        if (disconnect && response.statusCode === 200 && text.length > 0) {
          abort.abort();
          break;
        }
      }
    } catch {
      // A stream cut after its headers: the outcome is decided below from what arrived.
    }
    if (disconnect && response.statusCode === 200) {
      this.count('client-disconnect');
      return;
    }
    if (response.statusCode !== 200) {
      const code = /SB_ERR_[A-Z_]+/.exec(text)?.[0] ?? 'no-code';
      const kind = `${response.statusCode} ${code}`;
      this.count(kind);
      const examples = (this.totals.examples[kind] ??= []);
      if (examples.length < 3) {
        const attempts = response.headers['x-signalbox-attempt-errors'];
        examples.push(
          `${typeof attempts === 'string' ? attempts : 'no attempts'} [${request.faults.join(', ')}]`,
        );
      }
      return;
    }
    if (request.stream && /event: error|data: \{"error"/.test(text)) {
      this.count('stream-error');
      return;
    }
    this.intervalLatencies.push(performance.now() - started);
    this.count('ok');
  }
}
