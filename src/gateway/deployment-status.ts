import type { Deployment } from '../routing/deployment.ts';
import type { DeploymentHealthView } from '../routing/health/deployment-health.ts';
import type { DeploymentHealthRegistry } from '../routing/health/deployment-health-registry.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { Clock } from '../lib/clock.ts';

/** A configured deployment, the groups that use it, and its health now. */
export interface DeploymentStatus {
  readonly deployment: Deployment;
  /** The model groups that list it (a provider's own `<provider>/<model>` name included). */
  readonly groups: readonly string[];
  readonly health: DeploymentHealthView;
}

/**
 * Every deployment of the table with its health, in configuration order. A deployment that has
 * not served yet shows a closed circuit and no samples. Reads only; creates no health entries.
 */
export function listDeploymentStatus(
  table: RoutingTable,
  registry: DeploymentHealthRegistry,
  clock: Clock,
): DeploymentStatus[] {
  const nowMs = clock.monotonic();
  const groupsOf = new Map<string, string[]>();
  for (const name of [
    ...table.config.models.map((group) => group.alias),
    ...table.catalog.list().map((model) => model.id),
  ]) {
    const group = table.catalog.group(name);
    for (const member of group?.members ?? []) {
      if (member.nestedAlias === undefined) {
        const names = groupsOf.get(member.deployment.id) ?? [];
        if (!names.includes(name)) {
          names.push(name);
        }
        groupsOf.set(member.deployment.id, names);
      }
    }
  }
  return [...table.catalog.deployments().values()].map((deployment) => ({
    deployment,
    groups: groupsOf.get(deployment.id) ?? [],
    health: registry.find(deployment.id)?.view(nowMs) ?? idleView(deployment.id),
  }));
}

function idleView(id: string): DeploymentHealthView {
  return {
    id,
    circuit: 'closed',
    latencyEwmaMs: undefined,
    inFlight: 0,
    requestsLastMinute: 0,
    tokensLastMinute: 0,
    errorRate: 0,
    consecutiveFailures: 0,
  };
}
