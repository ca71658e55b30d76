import { strategyNames, type RoutingStrategy, type StrategyName } from '../routing-strategy.ts';
import { learnedStrategy } from './learned-strategy.ts';
import { leastBusyStrategy } from './least-busy-strategy.ts';
import { leastLatencyStrategy } from './least-latency-strategy.ts';
import { lowestCostStrategy } from './lowest-cost-strategy.ts';
import { priorityStrategy } from './priority-strategy.ts';
import { roundRobinStrategy } from './round-robin-strategy.ts';
import { usageAwareStrategy } from './usage-aware-strategy.ts';
import { weightedStrategy } from './weighted-strategy.ts';

// A record keyed by every name, so that adding a name to `strategyNames` without a strategy
// fails to compile rather than at the first request.
const strategiesByName: Readonly<Record<StrategyName, RoutingStrategy>> = {
  priority: priorityStrategy,
  weighted: weightedStrategy,
  'round-robin': roundRobinStrategy,
  'least-latency': leastLatencyStrategy,
  'least-busy': leastBusyStrategy,
  'lowest-cost': lowestCostStrategy,
  'usage-aware': usageAwareStrategy,
  learned: learnedStrategy,
};

/** Every routing strategy by its name; complete for `strategyNames`, checked at compile time. */
export const strategyRegistry: ReadonlyMap<StrategyName, RoutingStrategy> = new Map(
  strategyNames.map((name) => [name, strategiesByName[name]]),
);

/**
 * The strategy with this name. Never throws for a `StrategyName`, since the registry is complete;
 * throws an `Error` only if called, against its type, with some other string.
 */
export function getStrategy(name: StrategyName): RoutingStrategy {
  const strategy = strategyRegistry.get(name);
  if (strategy === undefined) {
    throw new Error(`Unknown routing strategy "${name}".`);
  }
  return strategy;
}
