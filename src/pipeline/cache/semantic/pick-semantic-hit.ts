import type { VectorMatch } from './vector-index.ts';

/**
 * The cached entry a semantic lookup may serve, or undefined for a miss: the most similar
 * candidate whose similarity reaches `threshold` and whose salient-token signature (numbers,
 * quoted strings, identifiers, links; see salient-tokens.ts) equals the query's. `candidates` come
 * from the vector index, most similar first; ask it for a few (see `semanticCandidateCount`), so
 * an entry with other numbers ranked first does not hide the right one. `signatureOf` returns
 * undefined for an entry that is gone. Pure.
 */
export function pickSemanticHit(
  candidates: readonly VectorMatch[],
  threshold: number,
  querySignature: string,
  signatureOf: (id: number) => string | undefined,
): VectorMatch | undefined {
  for (const candidate of candidates) {
    if (candidate.similarity < threshold) return undefined;
    if (signatureOf(candidate.id) === querySignature) return candidate;
  }
  return undefined;
}
