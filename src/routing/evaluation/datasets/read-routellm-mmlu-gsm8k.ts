import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject } from '../../../lib/json.ts';
import { parseCsvRecords } from './parse-csv.ts';
import { parseJsonLines } from './read-json-lines.ts';
import {
  routeLlmStrongModel,
  routeLlmWeakModel,
  type RouteLlmPairRow,
} from './routellm-pair-rows.ts';

/**
 * The `eval_prompt` values of a RouteLLM `contaminated_prompts.jsonl`: evaluation prompts too
 * similar to RouteLLM's training data, which its benchmarks drop before scoring.
 */
export function readContaminatedPrompts(path: string): Set<string> {
  const prompts = new Set<string>();
  for (const row of parseJsonLines(readFileSync(path, 'utf8'), path)) {
    if (isJsonObject(row) && typeof row.eval_prompt === 'string') prompts.add(row.eval_prompt);
  }
  return prompts;
}

/** pandas reads the outcome columns as booleans; anything but `True`/`False` is a data error. */
function correctness(value: string | undefined, where: string): number {
  if (value === 'True') return 1;
  if (value === 'False') return 0;
  throw new Error(`${where}: expected True or False, got ${JSON.stringify(value)}`);
}

function pairRowsFromCsv(path: string, group: string): RouteLlmPairRow[] {
  return parseCsvRecords(readFileSync(path, 'utf8')).map((record, index) => ({
    prompt: record.prompt ?? '',
    group,
    strong: correctness(record[routeLlmStrongModel], `${path} row ${index + 1}`),
    weak: correctness(record[routeLlmWeakModel], `${path} row ${index + 1}`),
  }));
}

/**
 * RouteLLM's MMLU benchmark: the 57 `mmlu_<subject>.csv` files in name order (RouteLLM's domain
 * list is alphabetical too), minus rows whose prompt is an `eval_prompt` of the contamination
 * list (`~all_data["prompt"].isin(contaminated)`): 14,037 of 14,042 rows.
 */
export function readRouteLlmMmlu(routeLlmEvalsDirectory: string): RouteLlmPairRow[] {
  const responses = join(routeLlmEvalsDirectory, 'mmlu/responses');
  const contaminated = readContaminatedPrompts(
    join(routeLlmEvalsDirectory, 'mmlu/contaminated_prompts.jsonl'),
  );
  return readdirSync(responses)
    .filter((file) => /^mmlu_.+\.csv$/.test(file))
    .sort()
    .flatMap((file) => pairRowsFromCsv(join(responses, file), file.slice(5, -4)))
    .filter((row) => !contaminated.has(row.prompt));
}

/** RouteLLM's GSM8K benchmark after decontamination: 1,307 of 1,319 rows. */
export function readRouteLlmGsm8k(routeLlmEvalsDirectory: string): RouteLlmPairRow[] {
  const contaminated = readContaminatedPrompts(
    join(routeLlmEvalsDirectory, 'gsm8k/contaminated_prompts.jsonl'),
  );
  return pairRowsFromCsv(join(routeLlmEvalsDirectory, 'gsm8k/gsm8k_responses.csv'), 'GSM8K').filter(
    (row) => !contaminated.has(row.prompt),
  );
}
