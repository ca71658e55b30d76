import { errorCatalogue } from '../errors/error-codes.ts';
import type { Gateway } from '../gateway/gateway.ts';
import { gatewayRoutes } from '../http/create-http-server.ts';
import { Router } from '../http/router.ts';
import type { Clock } from '../lib/clock.ts';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.ts';
import type { KnownNames } from '../observability/metrics/label-bounds.ts';
import type { BudgetLineView } from '../observability/metrics/live-state-metrics.ts';
import { budgetLineKey, type BudgetRule } from '../pipeline/budgets/plan-budget-lines.ts';
import { periodWindow } from '../pipeline/budgets/budget-period.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { BudgetLine, BudgetStore } from '../storage/ports.ts';

export interface GatewayMetricsSources {
  readonly clock: Clock;
  /** The routing table in force (it changes on reload). */
  readonly table: () => RoutingTable;
  /** The gateway, once created (breaker state is read from it at scrape time). */
  readonly gateway: () => Gateway | undefined;
  readonly budgetStore: BudgetStore;
}

/** The names a model or provider label may take under one configuration. */
function knownNamesOf(table: RoutingTable): KnownNames {
  const models = new Set<string>();
  for (const group of table.config.models) models.add(group.alias);
  for (const router of table.config.routers) models.add(`router:${router.name}`);
  for (const listed of table.catalog.list()) models.add(listed.id);
  for (const deployment of table.catalog.deployments().values()) {
    models.add(deployment.id);
    models.add(deployment.upstreamModel);
  }
  return {
    models,
    providers: new Map(table.config.providers.map((provider) => [provider.id, provider.type])),
  };
}

/** The budgets in force that name their subject, as counters to read now. */
function namedBudgetLines(
  rules: readonly BudgetRule[],
  nowMs: number,
): Map<string, { readonly line: BudgetLine; readonly period: string }> {
  const lines = new Map<string, { readonly line: BudgetLine; readonly period: string }>();
  for (const rule of rules) {
    if (rule.match === undefined) continue;
    const window = periodWindow(rule.period, nowMs);
    const key = budgetLineKey(rule.scope, rule.match, rule.period, window.label);
    const existing = lines.get(key);
    // Rules naming the same counter share it; the lowest limit is the one that binds.
    if (existing !== undefined && existing.line.limitNanos <= rule.limitNanos) continue;
    const line: BudgetLine = {
      key,
      scope: rule.scope,
      subject: rule.match,
      startMs: window.startMs,
      endMs: window.endMs,
      limitNanos: rule.limitNanos,
      hard: rule.hard,
    };
    lines.set(key, { line, period: rule.period });
  }
  return lines;
}

/**
 * Builds the gateway's metrics: label bounds from the configuration in force (recomputed when it
 * is reloaded), route patterns from the HTTP routes, breaker state from the gateway's deployment
 * health and named budgets from the budget store.
 */
export function createGatewayMetrics(sources: GatewayMetricsSources): GatewayMetrics {
  const router = new Router(gatewayRoutes);
  let names: { table: RoutingTable; names: KnownNames } | undefined;
  return new GatewayMetrics({
    clock: sources.clock,
    errorCodes: Object.keys(errorCatalogue),
    knownNames() {
      const table = sources.table();
      if (names?.table !== table) names = { table, names: knownNamesOf(table) };
      return names.names;
    },
    routeOf(method, path) {
      const match = router.match(method, path);
      return match.kind === 'found' ? match.route.path : undefined;
    },
    circuits: () =>
      (sources.gateway()?.deployments() ?? []).map((status) => ({
        deployment: status.deployment.id,
        provider: status.deployment.providerId,
        circuit: status.health.circuit,
      })),
    async budgetLines(): Promise<BudgetLineView[]> {
      // The budgets in force (configured plus API-made), once the gateway exists.
      const rules = sources.gateway()?.budgets.inForce() ?? sources.table().config.budgets;
      const lines = namedBudgetLines(rules, sources.clock.now());
      if (lines.size === 0) return [];
      const states = await sources.budgetStore.lineStates(
        [...lines.values()].map((entry) => entry.line),
      );
      const views: BudgetLineView[] = [];
      for (const state of states) {
        const entry = lines.get(state.key);
        if (entry === undefined) continue;
        const line = entry.line;
        views.push({
          scope: line.scope,
          match: line.subject,
          period: entry.period,
          limitUsd: line.limitNanos / 1e9,
          usedUsd: (state.spentNanos + state.reservedNanos) / 1e9,
        });
      }
      return views;
    },
  });
}
