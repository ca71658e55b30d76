import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../lib/clock.ts';

/** One deployment's circuit breaker, as the gateway's deployment health holds it now. */
export interface CircuitView {
  readonly deployment: string;
  readonly provider: string;
  readonly circuit: 'closed' | 'half-open' | 'open';
}

/** One configured budget line with a bounded identity (a `match`) and its counter now. */
export interface BudgetLineView {
  readonly scope: string;
  readonly match: string;
  readonly period: string;
  readonly limitUsd: number;
  /** Settled spend plus what in-flight requests hold. */
  readonly usedUsd: number;
}

/** Where the live gauges read from, at scrape time. */
export interface LiveStateSources {
  readonly clock: Clock;
  /** Every configured deployment's circuit state (cheap, in memory). */
  readonly circuits: () => readonly CircuitView[];
  /** The budgets that name their subject (`match`), read from storage; cached between scrapes. */
  readonly budgetLines: () => Promise<readonly BudgetLineView[]>;
  /** How long a budget read is reused, ms. Default 10 000. */
  readonly budgetCacheMs?: number;
}

const circuitValues = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Registers the gauges read at scrape time: circuit breaker state per deployment and budget
 * utilisation per named budget line. Budgets are read at most once per `budgetCacheMs` (storage
 * may be remote); a failed read keeps the last values rather than failing the scrape.
 */
export function registerLiveStateMetrics(registry: Registry, sources: LiveStateSources): void {
  const registers = [registry];
  new Gauge({
    name: 'signalbox_deployment_circuit_state',
    help: "Each deployment's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ['deployment', 'provider'],
    registers,
    // Under --workers each process has its own breakers: the worst one is reported.
    aggregator: 'max',
    collect() {
      this.reset();
      for (const view of sources.circuits()) {
        this.labels(view.deployment, view.provider).set(circuitValues[view.circuit]);
      }
    },
  });
  const cacheMs = sources.budgetCacheMs ?? 10_000;
  let cached: { readonly atMs: number; readonly lines: readonly BudgetLineView[] } | undefined;
  let reading: Promise<readonly BudgetLineView[]> | undefined;
  // Both budget gauges collect concurrently in one scrape: they share one read.
  const readBudgets = (): Promise<readonly BudgetLineView[]> => {
    const now = sources.clock.monotonic();
    if (cached !== undefined && now - cached.atMs < cacheMs) return Promise.resolve(cached.lines);
    reading ??= sources
      .budgetLines()
      .catch(() => cached?.lines ?? []) // storage unreachable: keep the last values
      .then((lines) => {
        cached = { atMs: sources.clock.monotonic(), lines };
        reading = undefined;
        return lines;
      });
    return reading;
  };
  new Gauge({
    name: 'signalbox_budget_utilisation_ratio',
    help: 'Spent plus held over the limit, per configured budget that names its subject (match).',
    labelNames: ['scope', 'match', 'period'],
    registers,
    aggregator: 'max',
    async collect() {
      const lines = await readBudgets();
      this.reset();
      for (const line of lines) {
        const ratio = line.limitUsd > 0 ? line.usedUsd / line.limitUsd : 0;
        this.labels(line.scope, line.match, line.period).set(ratio);
      }
    },
  });
  new Gauge({
    name: 'signalbox_budget_used_usd',
    help: 'Spent plus held in the current period, in US dollars, per named budget.',
    labelNames: ['scope', 'match', 'period'],
    registers,
    aggregator: 'max',
    async collect() {
      const lines = await readBudgets();
      this.reset();
      for (const line of lines) this.labels(line.scope, line.match, line.period).set(line.usedUsd);
    },
  });
}
