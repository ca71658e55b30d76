import type { CostQualityPoint } from './model-cost-quality.ts';

/**
 * RouterBench's "zero router": the upper convex hull of the single models in the (cost, quality)
 * plane, from the cheapest model up to the best one. Any point on it is reachable without a
 * learned router, by sending a random share of traffic to each of two neighbouring models, so a
 * router is only useful above it. Returns the hull's vertices by ascending cost; points that are
 * dominated (costlier and no better) never appear.
 */
export function costQualityHull<Point extends CostQualityPoint>(points: readonly Point[]): Point[] {
  const sorted = [...points].sort(
    (left, right) => left.meanCost - right.meanCost || right.quality - left.quality,
  );
  const hull: Point[] = [];
  for (const point of sorted) {
    const last = hull.at(-1);
    // Same cost, lower quality, or no quality gain: never on the rising frontier.
    if (last !== undefined && point.quality <= last.quality) continue;
    while (hull.length >= 2) {
      const [a, b] = [hull.at(-2), hull.at(-1)];
      if (a === undefined || b === undefined) break;
      // Drop b when it lies on or below the chord from a to the new point (not a concave corner).
      const cross =
        (b.meanCost - a.meanCost) * (point.quality - a.quality) -
        (b.quality - a.quality) * (point.meanCost - a.meanCost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  return hull;
}

/**
 * The lowest mean cost at which a trade-off curve reaches `targetQuality`, walking its operating
 * points by ascending cost and interpolating linearly inside the first segment that crosses the
 * target (mixing two operating points at random realises any point between them). Undefined when
 * no point reaches the target.
 */
export function costToReachQuality(
  curve: readonly CostQualityPoint[],
  targetQuality: number,
): number | undefined {
  const sorted = [...curve].sort((left, right) => left.meanCost - right.meanCost);
  let previous: CostQualityPoint | undefined;
  for (const point of sorted) {
    if (point.quality >= targetQuality) {
      if (previous === undefined || previous.quality >= targetQuality) return point.meanCost;
      const share = (targetQuality - previous.quality) / (point.quality - previous.quality);
      return previous.meanCost + share * (point.meanCost - previous.meanCost);
    }
    previous = point;
  }
  return undefined;
}

/**
 * "Cost saving at 95% of the best single model's quality": `1 − cost / best.meanCost`, where
 * `cost` is what the router's curve needs to reach `fraction · best.quality`. Undefined when the
 * curve never gets there; negative when it costs more than the best model.
 */
export function costSavingAtQualityShare(
  curve: readonly CostQualityPoint[],
  best: CostQualityPoint,
  fraction = 0.95,
): number | undefined {
  const cost = costToReachQuality(curve, fraction * best.quality);
  if (cost === undefined) return undefined;
  return 1 - cost / best.meanCost;
}
