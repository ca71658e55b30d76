// Semantic-cache lookup time: encoding a prompt with the built-in lexical encoder, and searching
// the partitioned vector index (usearch HNSW) for its nearest cached entries, with 100,000 entries
// in one partition (one busy tenant and alias) plus a few smaller partitions beside it.
// Texts are synthetic (seeded Zipf-distributed pseudo-words), so the bench needs no data download.
//
// Run: node bench/semantic-lookup.ts [--entries N] [--queries N] [--json]
import { parseArgs } from 'node:util';
import { createSeededRandom } from '../src/lib/random.ts';
import { LexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder.ts';
import { semanticCandidateCount } from '../src/pipeline/cache/semantic/semantic-defaults.ts';
import { PartitionedVectorIndex } from '../src/pipeline/cache/semantic/vector-index.ts';
import { percentile } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '5000' },
    dimensions: { type: 'string' },
    precision: { type: 'string' },
    connectivity: { type: 'string' },
    'expansion-search': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const entries = Number(values.entries);
const queryCount = Number(values.queries);
const smallPartitions = 4;
const smallPartitionEntries = 5000;

const random = createSeededRandom(11);
const syllables = [
  'ka',
  'lo',
  'mi',
  'ter',
  'son',
  'va',
  'ri',
  'en',
  'dus',
  'pla',
  'no',
  'sti',
  'qua',
  'be',
  'rom',
];
const vocabulary = Array.from({ length: 20_000 }, () => {
  const length = 1 + Math.floor(random.next() * 4);
  return Array.from({ length }, () => syllables[Math.floor(random.next() * syllables.length)]).join(
    '',
  );
});

/** A prompt of 8 to 60 words (about 50 to 400 characters), words drawn Zipf-like, some numbers. */
function syntheticText(): string {
  const length = 8 + Math.floor(random.next() * 52);
  const words: string[] = [];
  for (let index = 0; index < length; index += 1) {
    words.push(
      random.next() < 0.05
        ? String(Math.floor(random.next() * 1000))
        : (vocabulary[Math.floor(vocabulary.length * random.next() ** 3)] ?? 'word'),
    );
  }
  return `${words.join(' ')}?`;
}

function summarise(samples: Float64Array): { p50: number; p99: number; max: number } {
  samples.sort();
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    p50: round(percentile(samples, 0.5)),
    p99: round(percentile(samples, 0.99)),
    max: round(samples[samples.length - 1] ?? 0),
  };
}

const encoder = new LexicalEncoder(
  values.dimensions === undefined ? {} : { dimensions: Number(values.dimensions) },
);
const precision = values.precision as 'f32' | 'f16' | 'i8' | undefined;
const index = new PartitionedVectorIndex({
  ...(precision === undefined ? {} : { precision }),
  ...(values.connectivity === undefined ? {} : { connectivity: Number(values.connectivity) }),
  ...(values['expansion-search'] === undefined
    ? {}
    : { expansionSearch: Number(values['expansion-search']) }),
  dimensions: encoder.dimensions,
  maxEntriesPerPartition: entries,
});
const bigPartition = 'tenant-big/alias-chat';
const stored: string[] = [];
const buildStarted = process.hrtime.bigint();
// Bulk-loaded on two threads, as a warm start from storage would; lookups run on one thread.
const bigEntries = Array.from({ length: entries }, (_, id) => {
  const text = syntheticText();
  if (id < queryCount) stored.push(text);
  return { id, vector: encoder.encodeOne(text) };
});
index.addMany(bigPartition, bigEntries, 2);
for (let partition = 0; partition < smallPartitions; partition += 1) {
  const partitionEntries = Array.from({ length: smallPartitionEntries }, (_, id) => ({
    id,
    vector: encoder.encodeOne(syntheticText()),
  }));
  index.addMany(`tenant-${String(partition)}/alias-chat`, partitionEntries, 2);
}
const buildSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;

// Half the queries reword a stored prompt (one word swapped: a near hit), half are new prompts.
const queries = Array.from({ length: queryCount }, (_, position) => {
  const original = stored[position];
  if (position % 2 === 0 && original !== undefined) {
    const words = original.split(' ');
    words[Math.floor(random.next() * words.length)] =
      vocabulary[Math.floor(random.next() * 100)] ?? 'x';
    return words.join(' ');
  }
  return syntheticText();
});

const millis = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e6;
const encodeSamples = new Float64Array(queryCount);
const searchSamples = new Float64Array(queryCount);
const combinedSamples = new Float64Array(queryCount);
const smallSearchSamples = new Float64Array(queryCount);
let emptyPartitionResults = 0;
let nearDuplicates = 0;
let nearDuplicatesFound = 0;
const warmup = Math.min(500, queryCount);
for (let position = -warmup; position < queryCount; position += 1) {
  const text = queries[(position + queryCount) % queryCount] ?? '';
  const started = process.hrtime.bigint();
  const vector = encoder.encodeOne(text);
  const encoded = millis(started);
  const searchStarted = process.hrtime.bigint();
  const found = index.search(bigPartition, vector, semanticCandidateCount);
  const searched = millis(searchStarted);
  const combined = millis(started);
  const smallStarted = process.hrtime.bigint();
  index.search(`tenant-${String(position & 3)}/alias-chat`, vector, semanticCandidateCount);
  const smallSearched = millis(smallStarted);
  emptyPartitionResults += index.search('tenant-without-entries/alias-chat', vector, 4).length;
  if (position >= 0) {
    // Even positions reword the stored prompt whose id is the position: did the search find it?
    if (position % 2 === 0 && position < entries) {
      nearDuplicates += 1;
      if (found.some((match) => match.id === position)) nearDuplicatesFound += 1;
    }
    encodeSamples[position] = encoded;
    searchSamples[position] = searched;
    combinedSamples[position] = combined;
    smallSearchSamples[position] = smallSearched;
  }
}
if (emptyPartitionResults !== 0) throw new Error('an unknown partition returned entries');

const result = {
  encoder: encoder.id,
  entries,
  partitions: {
    big: entries,
    small: `${String(smallPartitions)} × ${String(smallPartitionEntries)}`,
  },
  queries: queryCount,
  meanQueryCharacters: Math.round(queries.reduce((sum, text) => sum + text.length, 0) / queryCount),
  buildSeconds: Math.round(buildSeconds * 10) / 10,
  /** Share of one-word rewordings of a stored prompt whose original the search returned. */
  nearDuplicateRecall:
    Math.round((nearDuplicatesFound / Math.max(1, nearDuplicates)) * 1000) / 1000,
  millis: {
    encode: summarise(encodeSamples),
    search: summarise(searchSamples),
    encodeAndSearch: summarise(combinedSamples),
    searchSmallPartition: summarise(smallSearchSamples),
  },
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    `${result.encoder}, ${String(entries)} entries in one partition, built in ${String(result.buildSeconds)} s, near-duplicate recall ${String(result.nearDuplicateRecall)}\n`,
  );
  for (const [name, value] of Object.entries(result.millis)) {
    process.stdout.write(
      `${name}: p50 ${String(value.p50)} ms, p99 ${String(value.p99)} ms, max ${String(value.max)} ms\n`,
    );
  }
}
