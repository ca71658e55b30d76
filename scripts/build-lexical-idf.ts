// Builds data/cache/lexical-idf.json, the IDF table of the built-in lexical semantic-cache encoder,
// from the TRAIN part of the public questions in /work/shared/data/routing (the held-out part is
// the paraphrase benchmark's; see bench/semantic-quality/public-questions.ts).
//
//   ./node_modules/.bin/node scripts/build-lexical-idf.ts [--data DIR]
//
// Deterministic: the same data always gives a byte-identical file.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  defaultRoutingDataDirectory,
  loadPublicQuestions,
  questionSplit,
} from '../bench/semantic-quality/public-questions.ts';
import {
  createFeatureLists,
  extractLexicalFeatures,
  lexicalFamilies,
} from '../src/pipeline/cache/semantic/lexical-features.ts';
import {
  lexicalIdfFormat,
  shippedLexicalIdfPath,
  type LexicalIdfFile,
} from '../src/pipeline/cache/semantic/lexical-idf-table.ts';
import { normaliseSemanticText } from '../src/pipeline/cache/semantic/normalise-semantic-text.ts';

const { values } = parseArgs({
  options: { data: { type: 'string', default: defaultRoutingDataDirectory } },
});

/** 2^18 slots: few collisions among the ~10^6 distinct n-grams, 256 KiB of bytes. */
const hashBits = 18;
/** IDF in steps of 1/16: finer than any weighting difference that matters for cosine. */
const scale = 16;

const documents = loadPublicQuestions(values.data).filter(
  (question) => questionSplit(question.text) === 'train',
);
const documentFrequency = new Uint32Array(2 ** hashBits);
// The last document that counted each slot, so a feature repeated in one document counts once.
const lastDocument = new Int32Array(2 ** hashBits).fill(-1);
const lists = createFeatureLists();
documents.forEach((document, documentIndex) => {
  extractLexicalFeatures(normaliseSemanticText(document.text), lists);
  for (const family of lexicalFamilies) {
    const list = lists[family];
    for (let index = 0; index < list.length; index += 1) {
      const slot = (list.hashes[index] ?? 0) >>> (32 - hashBits);
      if (lastDocument[slot] !== documentIndex) {
        lastDocument[slot] = documentIndex;
        documentFrequency[slot] = (documentFrequency[slot] ?? 0) + 1;
      }
    }
  }
});

// Smoothed IDF, as scikit-learn's TfidfVectorizer: ln((1 + n) / (1 + df)) + 1. A feature never
// seen in training gets the largest weight, which is right for rare names and terms.
const slots = new Uint8Array(2 ** hashBits);
for (let slot = 0; slot < slots.length; slot += 1) {
  const idf = Math.log((1 + documents.length) / (1 + (documentFrequency[slot] ?? 0))) + 1;
  slots[slot] = Math.min(255, Math.round(idf * scale));
}
const sources = [...new Set(documents.map((document) => document.source.split('/')[0]))].sort();
const file: LexicalIdfFile = {
  format: lexicalIdfFormat,
  hashBits,
  scale,
  documents: documents.length,
  source: `train part (80%) of public questions: ${sources.join(', ')} (see docs/caching.md)`,
  slots: Buffer.from(slots).toString('base64'),
};
writeFileSync(shippedLexicalIdfPath, `${JSON.stringify(file, null, 2)}\n`);
process.stdout.write(
  `wrote ${shippedLexicalIdfPath.pathname}: ${String(documents.length)} documents\n`,
);
