import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject } from '../../../lib/json.ts';
import { readContaminatedPrompts } from './read-routellm-mmlu-gsm8k.ts';
import { parseJsonLines } from './read-json-lines.ts';
import {
  routeLlmStrongModel,
  routeLlmWeakModel,
  type RouteLlmPairRow,
} from './routellm-pair-rows.ts';

interface MtBenchQuestion {
  readonly id: number;
  readonly category: string;
  readonly turns: readonly string[];
}

function readQuestions(path: string): MtBenchQuestion[] {
  return parseJsonLines(readFileSync(path, 'utf8'), path).flatMap((row) => {
    if (!isJsonObject(row)) return [];
    const { question_id: id, category, turns } = row;
    if (typeof id !== 'number' || typeof category !== 'string' || !Array.isArray(turns)) return [];
    return [{ id, category, turns: turns.filter((turn) => typeof turn === 'string') }];
  });
}

/** Judge scores per `question_id` and model, over both turns. */
function readJudgementScores(path: string): Map<string, number[]> {
  const scores = new Map<string, number[]>();
  for (const row of parseJsonLines(readFileSync(path, 'utf8'), path)) {
    if (!isJsonObject(row)) continue;
    const { question_id: id, model, score } = row;
    if (typeof id !== 'number' || typeof model !== 'string' || typeof score !== 'number') continue;
    const key = `${id}\u0000${model}`;
    scores.set(key, [...(scores.get(key) ?? []), score]);
  }
  return scores;
}

function meanScore(scores: Map<string, number[]>, id: number, model: string): number {
  const values = scores.get(`${id}\u0000${model}`) ?? [];
  // RouteLLM's merge asserts 2 judgements (one per turn) per question and model.
  if (values.length !== 2)
    throw new Error(`MT-Bench question ${id}: ${values.length} judgements for ${model}`);
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * RouteLLM's MT-Bench benchmark: a question is dropped when its first **or** second turn is a
 * contaminated `eval_prompt` (72 of 80 remain). The router sees the first turn only and the chosen
 * model answers both turns, so a question's outcome is that model's mean judge score (1..10) over
 * the two turns; the mean over questions equals RouteLLM's mean over the 144 judged turns.
 */
export function readRouteLlmMtBench(routeLlmEvalsDirectory: string): RouteLlmPairRow[] {
  const contaminated = readContaminatedPrompts(
    join(routeLlmEvalsDirectory, 'mt_bench/contaminated_prompts.jsonl'),
  );
  const scores = readJudgementScores(join(routeLlmEvalsDirectory, 'mt_bench/judgements.jsonl'));
  return readQuestions(join(routeLlmEvalsDirectory, 'mt_bench/question.jsonl'))
    .filter((question) => !question.turns.slice(0, 2).some((turn) => contaminated.has(turn)))
    .map((question) => ({
      prompt: question.turns[0] ?? '',
      group: question.category,
      strong: meanScore(scores, question.id, routeLlmStrongModel),
      weak: meanScore(scores, question.id, routeLlmWeakModel),
    }));
}
