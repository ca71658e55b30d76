import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject } from '../../../lib/json.ts';
import { codePointLength } from '../code-point-length.ts';
import type { RoutingExample } from '../routing-example.ts';
import { parseJsonDocument, parseJsonLines } from './read-json-lines.ts';

/** USD per 1M input and output tokens, from `llm_prices.json`. */
export interface TokenPrices {
  readonly input: number;
  readonly output: number;
}

export interface LlmRouterCostAssumptions {
  /** Characters per prompt token (the usual English estimate for BPE tokenizers is about 4). */
  readonly charactersPerToken?: number;
  /** Output tokens assumed per answer: the set has no responses or token counts. */
  readonly outputTokens?: number;
}

export const defaultLlmRouterCostAssumptions = { charactersPerToken: 4, outputTokens: 256 };

function readPrices(path: string): Map<string, TokenPrices> {
  const document = parseJsonDocument(readFileSync(path, 'utf8'), path);
  const prices = new Map<string, TokenPrices>();
  if (!isJsonObject(document)) return prices;
  for (const [model, entry] of Object.entries(document)) {
    if (!isJsonObject(entry)) continue;
    const { input_price: input, output_price: output } = entry;
    if (typeof input === 'number' && typeof output === 'number')
      prices.set(model, { input, output });
  }
  return prices;
}

/** `query` → `task_name`, first occurrence wins (the metadata has a few repeated queries). */
function readTasks(path: string): Map<string, string> {
  const tasks = new Map<string, string>();
  for (const row of parseJsonLines(readFileSync(path, 'utf8'), path)) {
    if (!isJsonObject(row)) continue;
    const { query, task_name: task } = row;
    if (typeof query === 'string' && typeof task === 'string' && !tasks.has(query)) {
      tasks.set(query, task);
    }
  }
  return tasks;
}

/**
 * LLMRouter's 9-model train split in the generic format, `group` = task name (joined on
 * `question == query`). The set has no token counts, so a prompt's cost for a model is estimated
 * as `input_price · ⌈characters / charactersPerToken⌉ + output_price · outputTokens`, per 1M
 * tokens; the estimate keeps the models' price ratios exact, which is what routing trades on.
 */
export function readLlmRouterExamples(
  llmRouterDirectory: string,
  assumptions: LlmRouterCostAssumptions = {},
): RoutingExample[] {
  const { charactersPerToken, outputTokens } = {
    ...defaultLlmRouterCostAssumptions,
    ...assumptions,
  };
  const prices = readPrices(join(llmRouterDirectory, 'llm_prices.json'));
  const tasks = readTasks(join(llmRouterDirectory, 'query_meta_train.jsonl'));
  const trainPath = join(llmRouterDirectory, 'train.json');
  const train = parseJsonDocument(readFileSync(trainPath, 'utf8'), trainPath);
  if (!Array.isArray(train)) throw new Error(`${trainPath}: expected an array`);
  return train.flatMap((row: unknown) => {
    if (!isJsonObject(row) || typeof row.question !== 'string' || !isJsonObject(row.scores)) {
      return [];
    }
    const prompt = row.question;
    const promptTokens = Math.ceil(codePointLength(prompt) / charactersPerToken);
    const scores: Record<string, number> = {};
    const costs: Record<string, number> = {};
    for (const [model, score] of Object.entries(row.scores)) {
      const price = prices.get(model);
      if (typeof score !== 'number') continue;
      if (price === undefined) throw new Error(`${trainPath}: no price for ${model}`);
      scores[model] = score;
      costs[model] = (price.input * promptTokens + price.output * outputTokens) / 1_000_000;
    }
    return [{ prompt, scores, costs, group: tasks.get(prompt) ?? 'unknown' }];
  });
}
