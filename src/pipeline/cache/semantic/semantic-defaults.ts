/**
 * The cosine similarity a cached entry must reach to answer a new prompt when an alias sets no
 * threshold of its own, for the built-in lexical encoder with the salient-token guard on. Chosen
 * with scripts/semantic-cache-benchmark.ts on held-out public questions: the best paraphrase hit
 * rate at precision ≥ 0.99 was at 0.75 to 0.78 over three seeds; 0.80 keeps a margin above all
 * of them (precision 99.1 to 99.4%, hit rate 80 to 82%) for data unlike the benchmark's.
 * docs/caching.md has the table. Another
 * encoder (embeddings, ONNX) has another similarity scale and needs its own measured threshold.
 */
export const defaultSemanticThreshold = 0.8;

/** How many nearest entries a lookup checks for one whose salient tokens match. */
export const semanticCandidateCount = 4;

/**
 * The threshold for a model encoder (an embeddings model or a local ONNX model) when none is
 * configured: sentence-embedding models put paraphrases around 0.85 to 0.95 and unrelated
 * questions on one topic around 0.6 to 0.8, so 0.9 errs towards misses. It was not measured on
 * a real model here (none can be downloaded); measure yours with scripts/semantic-cache-benchmark.ts.
 */
export const defaultModelSemanticThreshold = 0.9;
