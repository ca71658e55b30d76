import { injectionRules } from './injection-rules.ts';

const confidenceById = new Map(injectionRules.map((rule) => [rule.id, rule.confidence]));

/**
 * The one score in [0, 1]: a noisy-OR of the classifier probability and each rule hit's
 * confidence, `1 − (1 − p) · Π (1 − c_rule)`. Treating them as independent pieces of evidence
 * means a rule hit can only raise the score (a strong rule alone clears the 0.5 user threshold),
 * two weak hits reinforce each other, and with no hits the score is the classifier's probability.
 * Pure.
 */
export function combineInjectionScore(probability: number, ruleHits: readonly string[]): number {
  let miss = 1 - probability;
  for (const id of ruleHits) miss *= 1 - (confidenceById.get(id) ?? 0);
  return Math.min(1, Math.max(0, 1 - miss));
}
