// Public question text for the semantic cache: the IDF table is built from the train part and the
// paraphrase benchmark runs on the held-out part, so the benchmark never sees its own IDF.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashText } from '../../src/pipeline/cache/semantic/feature-hash.ts';
import { normaliseSemanticText } from '../../src/pipeline/cache/semantic/normalise-semantic-text.ts';
import { readCsvColumn } from './read-csv-column.ts';

export const defaultRoutingDataDirectory = '/work/shared/data/routing';

export interface PublicQuestion {
  /** Which data set it came from, e.g. `routellm/mmlu` or `llmrouter/trivia_qa`. */
  readonly source: string;
  readonly text: string;
}

/** Share of questions held out (by hash of the normalised text, so the split never moves). */
const heldOutPercent = 20;

/** Which part a question belongs to; stable across runs and machines. Pure. */
export function questionSplit(text: string): 'train' | 'held-out' {
  return hashText(normaliseSemanticText(text)) % 100 < heldOutPercent ? 'held-out' : 'train';
}

function jsonLines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * Every question in the routing data folder (RouteLLM's MMLU, GSM8K and MT-Bench first turns, and
 * LLMRouter's 14 task sources), deduplicated on the normalised text, in a stable order.
 */
export function loadPublicQuestions(directory = defaultRoutingDataDirectory): PublicQuestion[] {
  const questions: PublicQuestion[] = [];
  const mmluDirectory = join(directory, 'routellm-evals/mmlu/responses');
  for (const file of readdirSync(mmluDirectory).sort()) {
    for (const text of readCsvColumn(readFileSync(join(mmluDirectory, file), 'utf8'), 'prompt')) {
      questions.push({ source: 'routellm/mmlu', text });
    }
  }
  const gsm8k = readFileSync(join(directory, 'routellm-evals/gsm8k/gsm8k_responses.csv'), 'utf8');
  for (const text of readCsvColumn(gsm8k, 'prompt'))
    questions.push({ source: 'routellm/gsm8k', text });
  for (const row of jsonLines(join(directory, 'routellm-evals/mt_bench/question.jsonl'))) {
    const turns = (row as { turns?: unknown }).turns;
    if (Array.isArray(turns) && typeof turns[0] === 'string') {
      questions.push({ source: 'routellm/mt_bench', text: turns[0] });
    }
  }
  for (const row of jsonLines(join(directory, 'llmrouter-9model/query_meta_train.jsonl'))) {
    const { task_name: task, query } = row as { task_name?: unknown; query?: unknown };
    if (typeof task === 'string' && typeof query === 'string') {
      questions.push({ source: `llmrouter/${task}`, text: query });
    }
  }
  const seen = new Set<string>();
  return questions.filter((question) => {
    const key = normaliseSemanticText(question.text);
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
