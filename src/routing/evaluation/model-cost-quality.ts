import type { RoutingExample } from './routing-example.ts';

/** Where a router (or a single model) lands: mean quality (0..1) and mean cost per query (USD). */
export interface CostQualityPoint {
  readonly quality: number;
  readonly meanCost: number;
}

export interface ModelPoint extends CostQualityPoint {
  readonly model: string;
}

function scoreOf(example: RoutingExample, model: string, index: number): number {
  const score = example.scores[model];
  if (score === undefined) throw new Error(`example ${index} has no score for ${model}`);
  return score;
}

/** A missing cost is an error rather than 0: a free model would win every comparison. */
function costOf(example: RoutingExample, model: string, index: number): number {
  const cost = example.costs?.[model];
  if (cost === undefined) throw new Error(`example ${index} has no cost for ${model}`);
  return cost;
}

/** The quality and mean cost per query of a router that chose `choices[i]` for `examples[i]`. */
export function evaluateChoices(
  examples: readonly RoutingExample[],
  choices: readonly string[],
): CostQualityPoint {
  if (examples.length !== choices.length) throw new Error('one choice per example is required');
  if (examples.length === 0) throw new Error('no examples to evaluate');
  let quality = 0;
  let cost = 0;
  examples.forEach((example, index) => {
    const model = choices[index] ?? '';
    quality += scoreOf(example, model, index);
    cost += costOf(example, model, index);
  });
  return { quality: quality / examples.length, meanCost: cost / examples.length };
}

/** Each model's own point (the router that always picks it). */
export function singleModelPoints(
  examples: readonly RoutingExample[],
  models: readonly string[],
): ModelPoint[] {
  return models.map((model) => ({
    model,
    ...evaluateChoices(
      examples,
      examples.map(() => model),
    ),
  }));
}

/** The best single model: highest quality, the cheaper one on a tie. */
export function bestSingleModel(points: readonly ModelPoint[]): ModelPoint {
  const [first, ...rest] = points;
  if (first === undefined) throw new Error('no models');
  return rest.reduce(
    (best, point) =>
      point.quality > best.quality ||
      (point.quality === best.quality && point.meanCost < best.meanCost)
        ? point
        : best,
    first,
  );
}

/**
 * The oracle's choices: per prompt, the cheapest model among those with the highest score (the
 * first in `models` order on a cost tie), i.e. perfect foresight at the lowest price.
 */
export function oracleChoices(
  examples: readonly RoutingExample[],
  models: readonly string[],
): string[] {
  return examples.map((example, index) => {
    let chosen = '';
    let chosenScore = Number.NEGATIVE_INFINITY;
    let chosenCost = Number.POSITIVE_INFINITY;
    for (const model of models) {
      const score = scoreOf(example, model, index);
      const cost = costOf(example, model, index);
      if (score > chosenScore || (score === chosenScore && cost < chosenCost)) {
        chosen = model;
        chosenScore = score;
        chosenCost = cost;
      }
    }
    return chosen;
  });
}
