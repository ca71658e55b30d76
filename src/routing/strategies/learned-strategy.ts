import type { RankedCandidate, RoutingStrategy } from '../routing-strategy.ts';
import { sortStably } from './sort-stably.ts';

/** Module level, so that ranking allocates no closure for the comparison. */
function byRankThenPriority(left: RankedCandidate, right: RankedCandidate): number {
  return (
    (left.score ?? 2) - (right.score ?? 2) ||
    left.candidate.deployment.priority - right.candidate.deployment.priority
  );
}

/**
 * A learned router's choice first. The router scores the request's text; the candidates standing
 * for the chosen model go first (by priority), those for the router's other models next, and
 * candidates the router knows nothing about last: they stay fallbacks. The score is that rank
 * (0 chosen, 1 other model, undefined unknown). The router's own figures (score, threshold) go to
 * the decision trace through `report`. Without a router, or for a request with no text to score,
 * it orders by priority, like the priority strategy; so it does when the router's asynchronous
 * encoder gave no vector (it failed or timed out). Never mutates its arguments.
 */
export const learnedStrategy: RoutingStrategy = {
  name: 'learned',
  rank(candidates, input) {
    const learned = input.learned;
    let choice: string | undefined;
    if (learned !== undefined) {
      const text = learned.promptText();
      const started = performance.now();
      const vectorEncoder = learned.router.vectorEncoder;
      const vector =
        vectorEncoder === undefined ? undefined : learned.promptVector(vectorEncoder.id);
      // A router on an asynchronous encoder decides only with the vector computed before planning.
      const route =
        text === '' || (vectorEncoder !== undefined && vector === undefined)
          ? undefined
          : learned.router.route(text, vector);
      choice = route?.choice;
      learned.report(
        {
          router: learned.router.name,
          version: learned.router.version,
          choice,
          score: route?.score,
          threshold: route?.threshold,
          difficulty: route?.difficulty,
          scores: route?.scores,
          tradeoff: route?.tradeoff,
          micros: Math.round((performance.now() - started) * 1000),
        },
        route?.reasoning,
      );
    }
    const ranked: RankedCandidate[] = [];
    for (const candidate of candidates) {
      const model = learned?.modelOfCandidate.get(candidate.deployment.id);
      ranked.push({
        candidate,
        score: model === undefined || choice === undefined ? undefined : model === choice ? 0 : 1,
      });
    }
    return sortStably(ranked, byRankThenPriority);
  },
};
