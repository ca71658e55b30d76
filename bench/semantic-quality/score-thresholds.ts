// Scores recorded semantic-cache lookups at many thresholds, with and without the salient-token
// guard, so the expensive part (encoding and searching) runs once.

/** One candidate entry the index returned for a query. */
export interface RecordedCandidate {
  readonly id: number;
  readonly similarity: number;
  /** Whether the entry's salient tokens equal the query's. */
  readonly salientMatch: boolean;
}

export type QueryKind =
  'paraphrase' | 'number changed' | 'entity changed' | 'nearest other question';

export interface RecordedQuery {
  readonly kind: QueryKind;
  /** The entry a paraphrase must hit; undefined for a negative, which must hit nothing. */
  readonly expected: number | undefined;
  /** Most similar first. */
  readonly candidates: readonly RecordedCandidate[];
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly guard: boolean;
  readonly hits: number;
  readonly correctHits: number;
  /** Correct hits / all hits; 1 when nothing hit. */
  readonly precision: number;
  /** Paraphrases that hit their own entry / paraphrases. */
  readonly hitRate: number;
  /** Negatives that hit anything / negatives. */
  readonly falseHitRate: number;
  readonly falseHitRateByKind: Readonly<Partial<Record<QueryKind, number>>>;
}

/** The entry a lookup would serve. Mirrors pickSemanticHit in src/pipeline/cache/semantic. */
function servedEntry(query: RecordedQuery, threshold: number, guard: boolean): number | undefined {
  for (const candidate of query.candidates) {
    if (candidate.similarity < threshold) return undefined;
    if (!guard) return candidate.id;
    if (candidate.salientMatch) return candidate.id;
  }
  return undefined;
}

/** Precision, paraphrase hit rate and negative false-hit rates at one threshold. Pure. */
export function scoreThreshold(
  queries: readonly RecordedQuery[],
  threshold: number,
  guard: boolean,
): ThresholdScore {
  let hits = 0;
  let correctHits = 0;
  let paraphrases = 0;
  const negatives = new Map<QueryKind, { total: number; hit: number }>();
  for (const query of queries) {
    const served = servedEntry(query, threshold, guard);
    if (served !== undefined) hits += 1;
    if (query.kind === 'paraphrase') {
      paraphrases += 1;
      if (served !== undefined && served === query.expected) correctHits += 1;
    } else {
      const counts = negatives.get(query.kind) ?? { total: 0, hit: 0 };
      counts.total += 1;
      if (served !== undefined) counts.hit += 1;
      negatives.set(query.kind, counts);
    }
  }
  const negativeTotal = [...negatives.values()].reduce((sum, counts) => sum + counts.total, 0);
  const negativeHits = [...negatives.values()].reduce((sum, counts) => sum + counts.hit, 0);
  return {
    threshold,
    guard,
    hits,
    correctHits,
    precision: hits === 0 ? 1 : correctHits / hits,
    hitRate: paraphrases === 0 ? 0 : correctHits / paraphrases,
    falseHitRate: negativeTotal === 0 ? 0 : negativeHits / negativeTotal,
    falseHitRateByKind: Object.fromEntries(
      [...negatives].map(([kind, counts]) => [kind, counts.hit / counts.total]),
    ),
  };
}

/**
 * The threshold with the best paraphrase hit rate among those reaching `minimumPrecision` (the
 * higher threshold on a tie), or undefined when none does. Pure.
 */
export function chooseThreshold(
  scores: readonly ThresholdScore[],
  minimumPrecision: number,
): ThresholdScore | undefined {
  let best: ThresholdScore | undefined;
  for (const score of scores) {
    if (score.precision < minimumPrecision) continue;
    if (
      best === undefined ||
      score.hitRate > best.hitRate ||
      (score.hitRate === best.hitRate && score.threshold > best.threshold)
    ) {
      best = score;
    }
  }
  return best;
}
