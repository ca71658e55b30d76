import { readFileSync } from 'node:fs';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import type { RoutingExample } from '../routing/evaluation/routing-example.ts';

/** A routing data line that cannot be used; the message names the file and line number. */
export class RoutingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingDataError';
  }
}

/** One input line of `route score`: only the prompt and group matter. */
export interface NumberedPrompt {
  readonly line: number;
  readonly prompt: string;
  readonly group?: string | undefined;
}

export interface NumberedExample extends NumberedPrompt {
  readonly example: RoutingExample;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new RoutingDataError(`cannot read ${path} (${reason})`);
  }
}

function numberRecord(value: unknown, name: string, unitRange: boolean): string | undefined {
  if (!isJsonObject(value)) return `"${name}" must be an object of model name to number`;
  for (const [model, number] of Object.entries(value)) {
    if (typeof number !== 'number' || !Number.isFinite(number))
      return `"${name}.${model}" must be a number`;
    if (unitRange && (number < 0 || number > 1)) return `"${name}.${model}" must be in 0..1`;
    if (!unitRange && number < 0) return `"${name}.${model}" must not be negative`;
  }
  return undefined;
}

/** Why a parsed line is not a routing example, or undefined when it is one. */
function exampleProblem(value: unknown, needScores: boolean): string | undefined {
  if (!isJsonObject(value)) return 'not a JSON object';
  if (typeof value.prompt !== 'string') return 'needs a string "prompt"';
  if (value.group !== undefined && typeof value.group !== 'string')
    return '"group" must be a string';
  if (needScores || value.scores !== undefined) {
    const problem = numberRecord(value.scores, 'scores', true);
    if (problem !== undefined) return problem;
  }
  if (value.costs !== undefined) return numberRecord(value.costs, 'costs', false);
  return undefined;
}

function parseLines(path: string, needScores: boolean): { line: number; value: RoutingExample }[] {
  const parsed: { line: number; value: RoutingExample }[] = [];
  readText(path)
    .split(/\r?\n/)
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const line = index + 1;
      const json = safeParseJson(text);
      // V8's parse messages quote the input, so the reason stays generic.
      const problem = json.ok ? exampleProblem(json.value, needScores) : 'not valid JSON';
      if (!json.ok || problem !== undefined)
        throw new RoutingDataError(`${path} line ${line}: ${problem ?? 'not valid JSON'}`);
      // exampleProblem checked the shape; "scores" may be absent on `route score` input.
      const value = json.value as Omit<RoutingExample, 'scores'> & Partial<RoutingExample>;
      parsed.push({ line, value: { ...value, scores: value.scores ?? {} } });
    });
  if (parsed.length === 0) throw new RoutingDataError(`${path} holds no examples`);
  return parsed;
}

/** Every example of a routing JSONL file; blank lines are the only ones passed over. */
export function readRoutingExamples(path: string): NumberedExample[] {
  return parseLines(path, true).map(({ line, value }) => ({
    line,
    prompt: value.prompt,
    group: value.group,
    example: value,
  }));
}

/** Every prompt of a JSONL file of `{"prompt", "group"?}` lines (scores may be present). */
export function readRoutingPrompts(path: string): NumberedPrompt[] {
  return parseLines(path, false).map(({ line, value }) => ({
    line,
    prompt: value.prompt,
    group: value.group,
  }));
}

/** The models named in any example's scores, sorted. */
export function modelsIn(examples: readonly NumberedExample[]): string[] {
  return [...new Set(examples.flatMap((e) => Object.keys(e.example.scores)))].sort();
}

/** Each example's outcome for the pair; a model missing from the data or from a line is an error. */
export function pairOutcomes(
  examples: readonly NumberedExample[],
  path: string,
  strongModel: string,
  weakModel: string,
): { strong: number; weak: number }[] {
  const models = modelsIn(examples);
  for (const model of [strongModel, weakModel]) {
    if (!models.includes(model)) {
      throw new RoutingDataError(
        `${path}: no scores for model "${model}"; the data has: ${models.join(', ')}`,
      );
    }
  }
  return examples.map(({ line, example }) => {
    const strong = example.scores[strongModel];
    const weak = example.scores[weakModel];
    if (strong === undefined || weak === undefined) {
      const missing = strong === undefined ? strongModel : weakModel;
      throw new RoutingDataError(`${path} line ${line}: no score for model "${missing}"`);
    }
    return { strong, weak };
  });
}

/**
 * The examples as they are, after checking every line scores and prices every one of `models`
 * (N-model training and evaluation compare all of them on every prompt).
 */
export function requireScoresAndCosts(
  examples: readonly NumberedExample[],
  path: string,
  models: readonly string[],
): RoutingExample[] {
  const known = modelsIn(examples);
  const unknown = models.find((model) => !known.includes(model));
  if (unknown !== undefined) {
    throw new RoutingDataError(
      `${path}: no scores for model "${unknown}"; the data has: ${known.join(', ')}`,
    );
  }
  return examples.map(({ line, example }) => {
    for (const model of models) {
      if (example.scores[model] === undefined)
        throw new RoutingDataError(`${path} line ${line}: no score for model "${model}"`);
      if (example.costs?.[model] === undefined)
        throw new RoutingDataError(`${path} line ${line}: no cost for model "${model}"`);
    }
    return example;
  });
}
