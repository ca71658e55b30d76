import type { ReasoningSettings } from '../../canonical/chat-request.ts';
import type { DifficultyBand, LearnedRouterConfig } from '../../config/gateway-config.ts';
import { thresholdForShare } from './calibration.ts';
import { isMultiModelRouterArtifact } from './router-artifact.ts';
import type { LearnedModelNames } from './learned-target-names.ts';
import type { AsyncTextVectoriser, StrongWeakRouter, TradeoffRouter } from './router.ts';
import type { RouterValidation } from './router-validation.ts';

/** One decision of a learned router, as kept in the decision trace. */
export interface LearnedRoute {
  /** The artifact model chosen. */
  readonly choice: string;
  /** Strong/weak routers: the predicted benefit of the strong model. */
  readonly score: number | undefined;
  /** Strong/weak routers: the threshold the score was compared with (score ≥ threshold → strong). */
  readonly threshold: number | undefined;
  /** The score's place among the calibration scores, 0 (easiest) to 1 (hardest). */
  readonly difficulty: number | undefined;
  /** The reasoning settings of the difficulty band the request falls in, if bands are set. */
  readonly reasoning: ReasoningSettings | undefined;
  /** N-model routers: each model's predicted quality, and the trade-off λ applied. */
  readonly scores?: Readonly<Record<string, number>> | undefined;
  readonly tradeoff?: number | undefined;
}

/** The share of calibration quantiles at or below `score` (0..1), by binary search. */
function difficultyOf(quantiles: readonly number[], score: number): number {
  let low = 0;
  let high = quantiles.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((quantiles[middle] ?? Infinity) <= score) low = middle + 1;
    else high = middle;
  }
  return quantiles.length === 0 ? 0 : low / quantiles.length;
}

/** The settings of the highest band at or below `difficulty` (bands sorted ascending). */
function bandFor(
  bands: readonly DifficultyBand[],
  difficulty: number,
): ReasoningSettings | undefined {
  let settings: ReasoningSettings | undefined;
  for (const band of bands) {
    if (band.minDifficulty > difficulty) break;
    settings = band.settings;
  }
  return settings;
}

/** How often a router chose each of its models since this configuration was loaded. */
export interface RealisedShares {
  readonly decisions: number;
  readonly choices: Readonly<Record<string, number>>;
}

/**
 * A learned router ready for requests: its artifact scored with the encoder it was trained with,
 * its threshold fixed from the configuration, and a count of what it chose (the realised share,
 * to compare with the share it was calibrated for).
 */
export interface LearnedRouterRuntime extends LearnedModelNames {
  readonly name: string;
  readonly version: string;
  /** The strong-call share the threshold was calibrated for; undefined with a fixed threshold. */
  readonly targetShare: number | undefined;
  /** `encoded`: the prompt's vector, needed when `vectorEncoder` is set (else ignored). */
  route(prompt: string, encoded?: Float32Array): LearnedRoute;
  /**
   * Set when the router's encoder is asynchronous (a local ONNX model): the gateway encodes the
   * text with it before planning and passes the vector to `route`.
   */
  readonly vectorEncoder?: AsyncTextVectoriser | undefined;
  realised(): RealisedShares;
  /**
   * Strong/weak routers: the artifact's calibration scores (101 quantiles of its validation
   * scores) and the threshold in force, from which the strong share at any threshold follows.
   */
  readonly calibration?: LearnedCalibration | undefined;
  /** N-model routers: the trade-off λ in force (the configuration's, else the artifact's default). */
  readonly tradeoff?: number | undefined;
  /** The artifact's held-out quality curve, when it has one (router-validation.ts). */
  readonly validation?: RouterValidation | undefined;
}

/** A strong/weak router's calibration, as read from its artifact. */
export interface LearnedCalibration {
  readonly quantiles: readonly number[];
  readonly sampleCount: number;
  readonly threshold: number;
}

/** What both kinds of runtime take from the configuration as they are. */
function identityOf(
  config: LearnedRouterConfig,
): Pick<LearnedRouterRuntime, 'name' | 'version' | 'models' | 'modelNames'> {
  return {
    name: config.name,
    version: config.version,
    models: config.models,
    modelNames: config.modelNames,
  };
}

/** How often a router chose each model: the realised share of its decisions. */
class ChoiceCounts {
  readonly #counts: Map<string, number>;
  #decisions = 0;

  constructor(models: readonly string[]) {
    this.#counts = new Map(models.map((model) => [model, 0]));
  }

  add(choice: string): void {
    this.#decisions += 1;
    this.#counts.set(choice, (this.#counts.get(choice) ?? 0) + 1);
  }

  realised(): RealisedShares {
    return { decisions: this.#decisions, choices: Object.fromEntries(this.#counts) };
  }
}

/** The runtime of an N-model router: `argmax quality − λ·cost / max cost` over its models. */
export function multiModelRouterRuntime(
  config: LearnedRouterConfig,
  router: TradeoffRouter,
  vectorEncoder?: AsyncTextVectoriser,
): LearnedRouterRuntime {
  const tradeoff = config.tradeoff ?? router.defaultTradeoff;
  const counts = new ChoiceCounts(config.models);
  const artifact = config.artifact;
  return {
    ...identityOf(config),
    targetShare: undefined,
    vectorEncoder,
    tradeoff,
    validation:
      isMultiModelRouterArtifact(artifact) && artifact.validation !== undefined
        ? { kind: 'multi-model', ...artifact.validation }
        : undefined,
    route(prompt, encoded) {
      const { scores, choice } = router.route({ prompt, encoded }, tradeoff);
      counts.add(choice);
      return {
        choice,
        score: scores[choice],
        threshold: undefined,
        difficulty: undefined,
        reasoning: undefined,
        scores,
        tradeoff,
      };
    },
    realised: () => counts.realised(),
  };
}

/** Default share of strong calls when the configuration names neither share nor threshold. */
const defaultStrongShare = 0.5;

/** The runtime of a strong/weak router (its models are `[strong, weak]`). */
export function pairRouterRuntime(
  config: LearnedRouterConfig,
  router: StrongWeakRouter,
  vectorEncoder?: AsyncTextVectoriser,
): LearnedRouterRuntime {
  const [strong, weak] = config.models;
  if (strong === undefined || weak === undefined) {
    throw new Error(`router ${config.name} has no model pair`);
  }
  const targetShare =
    config.threshold === undefined ? (config.strongShare ?? defaultStrongShare) : undefined;
  const artifact = config.artifact;
  if (isMultiModelRouterArtifact(artifact)) {
    throw new Error(`router ${config.name} is an N-model router`);
  }
  const threshold = config.threshold ?? thresholdForShare(artifact.calibration, targetShare ?? 0.5);
  const counts = new ChoiceCounts(config.models);
  return {
    ...identityOf(config),
    targetShare,
    vectorEncoder,
    calibration: {
      quantiles: artifact.calibration.quantiles,
      sampleCount: artifact.calibration.sampleCount,
      threshold,
    },
    validation:
      artifact.validation === undefined ? undefined : { kind: 'pair', ...artifact.validation },
    route(prompt, encoded) {
      const score = router.score({ prompt, encoded });
      const choice = score >= threshold ? strong : weak;
      counts.add(choice);
      const difficulty = difficultyOf(artifact.calibration.quantiles, score);
      return {
        choice,
        score,
        threshold,
        difficulty,
        reasoning: bandFor(config.reasoningBands, difficulty),
      };
    },
    realised: () => counts.realised(),
  };
}
