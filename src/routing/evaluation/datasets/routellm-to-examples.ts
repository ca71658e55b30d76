import type { RoutingExample } from '../routing-example.ts';
import {
  routeLlmStrongModel,
  routeLlmWeakModel,
  type RouteLlmPairRow,
} from './routellm-pair-rows.ts';

/**
 * RouteLLM rows in the generic format. Scores are brought to 0..1: correctness stays 1/0 and the
 * MT-Bench judge score (1..10) is divided by `scoreScale` = 10. No `costs`: RouteLLM's data has
 * no per-prompt prices and its cost measure is the share of strong-model calls.
 */
export function routeLlmRowsToExamples(
  rows: readonly RouteLlmPairRow[],
  scoreScale = 1,
): RoutingExample[] {
  return rows.map((row) => ({
    prompt: row.prompt,
    scores: {
      [routeLlmStrongModel]: row.strong / scoreScale,
      [routeLlmWeakModel]: row.weak / scoreScale,
    },
    group: row.group,
  }));
}
