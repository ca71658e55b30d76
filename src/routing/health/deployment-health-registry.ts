import type { Clock } from '../../lib/clock.ts';
import {
  DeploymentHealth,
  defaultHealthPolicies,
  type DeploymentHealthView,
  type HealthPolicies,
} from './deployment-health.ts';

/**
 * The health of every deployment, keyed by deployment id so that it survives configuration
 * reloads: a reload applies new policies with `setPolicies` and drops removed deployments with
 * `retain`, and every deployment still configured keeps its breaker, budget, averages and windows.
 *
 * Guarantees: `get` is a map lookup (creating the entry on first use); no method reads the clock
 * except through `DeploymentHealth.view`.
 */
export class DeploymentHealthRegistry {
  readonly #clock: Clock;
  #policies: HealthPolicies;
  readonly #healths = new Map<string, DeploymentHealth>();

  constructor(clock: Clock, policies: HealthPolicies = defaultHealthPolicies) {
    this.#clock = clock;
    this.#policies = policies;
  }

  get policies(): HealthPolicies {
    return this.#policies;
  }

  /** The health of deployment `id`, created with the current policies on first use. */
  get(id: string): DeploymentHealth {
    let health = this.#healths.get(id);
    if (health === undefined) {
      health = new DeploymentHealth(id, this.#clock, this.#policies);
      this.#healths.set(id, health);
    }
    return health;
  }

  /** The health of deployment `id` if it has one; never creates. */
  find(id: string): DeploymentHealth | undefined {
    return this.#healths.get(id);
  }

  /** Applies new policies to every deployment (keeping their state) and to those created later. */
  setPolicies(policies: HealthPolicies): void {
    this.#policies = policies;
    for (const health of this.#healths.values()) {
      health.setPolicies(policies);
    }
  }

  /** Views of every deployment with health, sorted by id; `nowMs` is `clock.monotonic()`. */
  views(nowMs: number): DeploymentHealthView[] {
    return [...this.#healths.values()]
      .sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
      .map((health) => health.view(nowMs));
  }

  /**
   * Drops the health of deployments not in `ids` (after a reload removed them). Tickets they issued
   * stay harmless: a deployment created again under the same id ignores them.
   */
  retain(ids: Iterable<string>): void {
    const kept = new Set(ids);
    for (const id of [...this.#healths.keys()]) {
      if (!kept.has(id)) {
        this.#healths.delete(id);
      }
    }
  }
}
