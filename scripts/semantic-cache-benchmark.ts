// Paraphrase benchmark of the semantic cache: precision and hit rate of the built-in lexical
// encoder with the vector index and the salient-token guard, on HELD-OUT public questions (the
// IDF table is built from the other part; see bench/semantic-quality/public-questions.ts).
//
//   npm run bench:semantic-quality -- [--entries N] [--seed S] [--dimensions D] [--json]
//
// Each held-out question (10 to 1,500 characters) becomes a cache entry. Queries:
// - two seeded paraphrases per entry (should hit that entry);
// - hard negatives: the entry with one number changed, with one named entity changed, and the
//   held-out question outside the cache that the encoder rates closest (must hit nothing).
// Reports precision, paraphrase hit rate and false-hit rate per threshold, with and without the
// guard, and the threshold with the best hit rate at precision >= 0.99. docs/caching.md has the
// results and method.
import { parseArgs } from 'node:util';
import { changeOneEntity, changeOneNumber } from '../bench/semantic-quality/hard-negatives.ts';
import { paraphrase } from '../bench/semantic-quality/paraphrase-generator.ts';
import {
  defaultRoutingDataDirectory,
  loadPublicQuestions,
  questionSplit,
  type PublicQuestion,
} from '../bench/semantic-quality/public-questions.ts';
import {
  chooseThreshold,
  scoreThreshold,
  type QueryKind,
  type RecordedQuery,
} from '../bench/semantic-quality/score-thresholds.ts';
import { createSeededRandom } from '../src/lib/random.ts';
import { LexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder.ts';
import { salientSignature } from '../src/pipeline/cache/semantic/salient-tokens.ts';
import { semanticCandidateCount } from '../src/pipeline/cache/semantic/semantic-defaults.ts';
import { PartitionedVectorIndex } from '../src/pipeline/cache/semantic/vector-index.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    dimensions: { type: 'string', default: '128' },
    data: { type: 'string', default: defaultRoutingDataDirectory },
    json: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const minimumPrecision = 0.99;
const thresholds = Array.from(
  { length: 29 },
  (_, index) => Math.round((0.7 + index * 0.01) * 100) / 100,
);

// Held-out questions in a seeded order; the first ones are cached, the rest are the pool the
// "nearest other question" negatives come from.
const heldOut = loadPublicQuestions(values.data).filter(
  (question) =>
    questionSplit(question.text) === 'held-out' &&
    question.text.length >= 10 &&
    question.text.length <= 1500,
);
const random = createSeededRandom(seed);
const shuffled = heldOut
  .map((question) => ({ question, order: random.next() }))
  .sort((left, right) => left.order - right.order)
  .map(({ question }) => question);
const entries: PublicQuestion[] = shuffled.slice(0, Number(values.entries));
const pool = shuffled.slice(entries.length);

const encoder = new LexicalEncoder({ dimensions: Number(values.dimensions) });
const index = new PartitionedVectorIndex({
  dimensions: encoder.dimensions,
  maxEntriesPerPartition: 1_000_000,
});
const partition = 'benchmark';
const entrySignatures = entries.map((entry) => salientSignature(entry.text));
entries.forEach((entry, id) => index.add(partition, id, encoder.encodeOne(entry.text)));

// The pool question each entry is closest to, found with a second index over the pool.
const poolIndex = new PartitionedVectorIndex({
  dimensions: encoder.dimensions,
  maxEntriesPerPartition: 1_000_000,
});
pool.forEach((question, id) => poolIndex.add(partition, id, encoder.encodeOne(question.text)));

interface Query {
  readonly text: string;
  readonly kind: QueryKind;
  readonly expected: number | undefined;
}
const queries: Query[] = [];
entries.forEach((entry, id) => {
  for (const rewording of paraphrase(entry.text, 2, seed * 100_003 + id)) {
    queries.push({ text: rewording.text, kind: 'paraphrase', expected: id });
  }
  for (const negative of [
    changeOneNumber(entry.text, seed + id),
    changeOneEntity(entry.text, seed + id),
  ]) {
    if (negative !== undefined)
      queries.push({ text: negative.text, kind: negative.kind, expected: undefined });
  }
  const nearest = poolIndex.search(partition, encoder.encodeOne(entry.text), 1)[0];
  const other = nearest === undefined ? undefined : pool[nearest.id];
  if (other !== undefined) {
    queries.push({ text: other.text, kind: 'nearest other question', expected: undefined });
  }
});

const recorded: RecordedQuery[] = queries.map((query) => {
  const signature = salientSignature(query.text);
  const candidates = index
    .search(partition, encoder.encodeOne(query.text), semanticCandidateCount)
    .map((match) => ({ ...match, salientMatch: entrySignatures[match.id] === signature }));
  return { kind: query.kind, expected: query.expected, candidates };
});

const scores = [false, true].flatMap((guard) =>
  thresholds.map((threshold) => scoreThreshold(recorded, threshold, guard)),
);
const chosen = chooseThreshold(
  scores.filter((score) => score.guard),
  minimumPrecision,
);
const counts = Object.fromEntries(
  (['paraphrase', 'number changed', 'entity changed', 'nearest other question'] as const).map(
    (kind) => [kind, queries.filter((query) => query.kind === kind).length],
  ),
);
const sources = Object.fromEntries(
  [...new Set(entries.map((entry) => entry.source))]
    .sort()
    .map((source) => [source, entries.filter((entry) => entry.source === source).length]),
);

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ encoder: encoder.id, entries: entries.length, pool: pool.length, counts, sources, chosen, scores })}\n`,
  );
} else {
  const percent = (value: number | undefined): string =>
    value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
  const lines = [
    `Encoder ${encoder.id}; ${String(entries.length)} cached held-out questions; queries: ${JSON.stringify(counts)}`,
    '',
    '| threshold | guard | precision | paraphrase hit rate | false hits: all negatives | number changed | entity changed | nearest other question |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...scores.map(
      (score) =>
        `| ${score.threshold.toFixed(2)} | ${score.guard ? 'on' : 'off'} | ${(score.precision * 100).toFixed(2)}% | ${percent(score.hitRate)} | ${percent(score.falseHitRate)} | ${percent(score.falseHitRateByKind['number changed'])} | ${percent(score.falseHitRateByKind['entity changed'])} | ${percent(score.falseHitRateByKind['nearest other question'])} |`,
    ),
    '',
    chosen === undefined
      ? `No threshold reaches precision ${String(minimumPrecision)} with the guard on.`
      : `Best hit rate at precision >= ${String(minimumPrecision)} (guard on): threshold ${chosen.threshold.toFixed(2)}, precision ${(chosen.precision * 100).toFixed(2)}%, hit rate ${percent(chosen.hitRate)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
