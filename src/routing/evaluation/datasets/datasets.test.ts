import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsvRecords, parseCsvRows } from './parse-csv.ts';
import { readLlmRouterExamples } from './read-llmrouter-examples.ts';
import { readRouteLlmMtBench } from './read-routellm-mt-bench.ts';
import { routeLlmStrongModel, routeLlmWeakModel } from './routellm-pair-rows.ts';
import { routeLlmRowsToExamples } from './routellm-to-examples.ts';

const routingData = fileURLToPath(new URL('../../../../../shared/data/routing/', import.meta.url));

describe('parseCsv', () => {
  it('handles RFC 4180 quoting, doubled quotes, multiline fields and CRLF', () => {
    expect(parseCsvRows('a,b\r\n"x, ""y""\nz",1\n')).toEqual([
      ['a', 'b'],
      ['x, "y"\nz', '1'],
    ]);
    expect(parseCsvRecords('prompt,ok\nhi,True\nshort\n')).toEqual([
      { prompt: 'hi', ok: 'True' },
      { prompt: 'short', ok: '' },
    ]);
  });
});

describe('routing data converters', () => {
  it('turns MT-Bench into first-turn prompts with mean judge scores / 10', () => {
    const examples = routeLlmRowsToExamples(
      readRouteLlmMtBench(`${routingData}routellm-evals`),
      10,
    );
    expect(examples).toHaveLength(72);
    const first = examples[0];
    expect(first?.group).toBe('writing');
    expect(first?.prompt.startsWith('Draft a professional email')).toBe(true);
    expect(first?.scores).toEqual({ [routeLlmStrongModel]: 1, [routeLlmWeakModel]: 0.95 });
  });

  it('reads LLMRouter with task groups and price-based cost estimates', () => {
    const examples = readLlmRouterExamples(`${routingData}llmrouter-9model`);
    expect(examples).toHaveLength(5_608);
    expect(examples.every((example) => example.group !== 'unknown')).toBe(true);
    expect(new Set(examples.map((example) => example.group)).size).toBe(14);
    const first = examples[0];
    expect(Object.keys(first?.scores ?? {})).toHaveLength(9);
    // Gemma-2-9B costs $0.10 per 1M tokens in and out, the Nemotrons $0.90: nine times as much.
    const gemma = first?.costs?.['gemma-2-9b-it'] ?? 0;
    expect(first?.costs?.['llama-3.1-nemotron-51b-instruct']).toBeCloseTo(gemma * 9, 12);
    const mean = (model: string): number =>
      examples.reduce((sum, example) => sum + (example.scores[model] ?? 0), 0) / examples.length;
    expect(mean('llama-3.1-nemotron-51b-instruct')).toBeCloseTo(0.621, 3);
  });
});
