import { combineInjectionScore } from './combine-injection-score.ts';
import type { InjectionModel } from './injection-model.ts';
import { matchInjectionRules, type InjectionSource } from './injection-rules.ts';
import { loadInjectionModel } from './load-injection-model.ts';
import { normaliseInjectionText } from './normalise-injection-text.ts';
import { classifierProbability } from './score-linear-model.ts';

/**
 * Default flag thresholds per source. A user turn is flagged at 0.5 (the classifier's natural
 * decision point). Tool results and retrieved documents are flagged lower, at 0.35: they should
 * not contain instructions at all, a miss there is an indirect injection the user never sees,
 * and the `directive-to-assistant-output` rule (confidence 0.6) alone clears it.
 */
export const defaultInjectionThresholds: Readonly<Record<InjectionSource, number>> = {
  user: 0.5,
  tool: 0.35,
  retrieved: 0.35,
};

export interface DetectInjectionOptions {
  readonly source: InjectionSource;
  /** Overrides the default threshold for this source. */
  readonly threshold?: number;
}

export interface InjectionDetection {
  /** Combined score in [0, 1] (see `combineInjectionScore`). */
  readonly score: number;
  /** Ids of the rules that matched, in rule order. */
  readonly ruleHits: string[];
  /** The classifier's probability before rules were combined in. */
  readonly classifierProbability: number;
  /** The threshold applied and whether the score reached it. */
  readonly threshold: number;
  readonly flagged: boolean;
  /** The model file's version, for audit records. */
  readonly modelVersion: string;
}

/** A detector bound to one model. */
export interface InjectionDetector {
  detect(text: string, options: DetectInjectionOptions): InjectionDetection;
}

/** A detector over `model`. Scoring is pure and never throws; results never include the text. */
export function createInjectionDetector(model: InjectionModel): InjectionDetector {
  return {
    detect(text, options) {
      const probability = classifierProbability(
        model,
        text,
        options.source === 'user' ? 'user' : 'indirect',
      );
      const ruleHits = matchInjectionRules(normaliseInjectionText(text), options.source);
      const score = combineInjectionScore(probability, ruleHits);
      const threshold = options.threshold ?? defaultInjectionThresholds[options.source];
      return {
        score,
        ruleHits,
        classifierProbability: probability,
        threshold,
        flagged: score >= threshold,
        modelVersion: model.version,
      };
    },
  };
}

let shippedDetector: InjectionDetector | undefined;

function shipped(): InjectionDetector {
  shippedDetector ??= createInjectionDetector(loadInjectionModel());
  return shippedDetector;
}

/**
 * Detects prompt injection in `text` with the shipped model (`data/guardrails/injection-model.json`,
 * loaded and validated on first use). Throws `InjectionModelError` only when the shipped model is
 * missing or corrupt, a broken installation; the error never contains the text.
 */
export function detectInjection(text: string, options: DetectInjectionOptions): InjectionDetection {
  return shipped().detect(text, options);
}

/** The combined injection score in [0, 1] of `text` as a user turn. Throws as {@link detectInjection}. */
export function scoreInjection(text: string): number {
  return detectInjection(text, { source: 'user' }).score;
}
