import type { LearnedCalibration } from '../routing/learned/learned-router-runtime.ts';
import type { RouterValidation } from '../routing/learned/router-validation.ts';
import type { RoutingTable } from '../routing/routing-table.ts';

/** A learned router of the running configuration, and the share of traffic it sent each model. */
export interface LearnedRouterStatus {
  readonly name: string;
  readonly version: string;
  readonly models: readonly string[];
  /** The strong-call share its threshold was calibrated for (strong/weak routers with a share). */
  readonly targetShare: number | undefined;
  /** Decisions since this configuration loaded, and the share of them that chose each model. */
  readonly decisions: number;
  readonly realisedShares: Readonly<Record<string, number>>;
  /** Strong/weak routers: calibration quantiles and the threshold in force; else undefined. */
  readonly calibration: LearnedCalibration | undefined;
  /** N-model routers: the trade-off λ in force; else undefined. */
  readonly tradeoff: number | undefined;
  /** The held-out quality curve its artifact carries (trained before it existed: undefined). */
  readonly validation: RouterValidation | undefined;
}

/**
 * Each learned router's realised choices next to what it was calibrated for: a router whose
 * strong share in traffic drifts far from its target was calibrated on other traffic than it sees.
 */
export function learnedRouterStatus(table: RoutingTable): LearnedRouterStatus[] {
  return [...table.catalog.learnedRouters().values()].map((router) => {
    const realised = router.realised();
    return {
      name: router.name,
      version: router.version,
      models: router.models,
      targetShare: router.targetShare,
      calibration: router.calibration,
      tradeoff: router.tradeoff,
      validation: router.validation,
      decisions: realised.decisions,
      realisedShares: Object.fromEntries(
        router.models.map((model) => [
          model,
          realised.decisions === 0
            ? 0
            : Math.round(((realised.choices[model] ?? 0) / realised.decisions) * 1e4) / 1e4,
        ]),
      ),
    };
  });
}
