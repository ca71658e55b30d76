import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import { createSeededRandom } from '../lib/random.ts';
import { UsageError } from './cli-io.ts';
import { runCli } from './main.ts';
import { routeCommand } from './route-command.ts';

const strong = 'big-model';
const weak = 'small-model';
const topics = ['apples', 'rivers', 'music', 'trains', 'gardens', 'stars', 'bread', 'chess'];

/**
 * Prompts where the strong model wins exactly on those containing "integral": every other one
 * with `seed` undefined (so exactly half, and the median threshold falls between the two kinds),
 * else a seeded coin flip.
 */
function syntheticLines(count: number, seed?: number): string[] {
  const random = createSeededRandom(seed ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const hard = seed === undefined ? i % 2 === 0 : random.next() < 0.5;
    const topic = topics[Math.floor(i / 2) % topics.length] ?? 'apples';
    const prompt = hard
      ? `compute the integral of the ${topic} function number ${i}`
      : `tell me something about ${topic} number ${i}`;
    return JSON.stringify({ prompt, scores: { [strong]: 1, [weak]: hard ? 0 : 1 } });
  });
}

function file(directory: string, name: string, lines: readonly string[]): string {
  const path = join(directory, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const parse = (line: string): Record<string, unknown> => {
  const parsed = safeParseJson(line);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error(`not a JSON object: ${line}`);
  return parsed.value;
};

describe('signalbox route', () => {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-route-'));
  const data = file(directory, 'train.jsonl', syntheticLines(200));
  const router = join(directory, 'router.json');

  beforeAll(async () => {
    const { io, out, error } = captureIo();
    const status = await routeCommand(
      [
        'train',
        '--data',
        data,
        '--out',
        router,
        '--strong',
        strong,
        '--weak',
        weak,
        '--folds',
        '3',
      ],
      io,
    );
    expect(error).toEqual([]);
    expect(status).toBe(0);
    const summary = parse(out[0] ?? '');
    expect(summary).toMatchObject({ router, examples: 200 });
    // The held-out curve's figures: the keyword gives the strong model's wins away.
    const validation = summary.validation as { apgr: number; randomApgr: number } | null;
    expect(validation?.apgr).toBeGreaterThan(validation?.randomApgr ?? Infinity);
  }, 60_000);

  it('scores prompts and chooses the strong model where the keyword is', async () => {
    const input = file(directory, 'input.jsonl', [
      JSON.stringify({ prompt: 'compute the integral of the rivers function number 999' }),
      JSON.stringify({ prompt: 'tell me something about rivers number 999' }),
      JSON.stringify({ prompt: 'compute the integral of the chess function number 5' }),
      JSON.stringify({ prompt: 'tell me something about bread number 5' }),
    ]);
    const { io, out } = captureIo();
    expect(await routeCommand(['score', '--router', router, '--input', input], io)).toBe(0);
    const lines = out.map(parse);
    expect(lines.map((line) => line.choice)).toEqual([strong, weak, strong, weak]);
    expect(lines.every((line) => typeof line.score === 'number')).toBe(true);
  });

  it('evaluates a held-out set well above the random router', async () => {
    const test = file(directory, 'test.jsonl', syntheticLines(100, 11));
    const { io, out } = captureIo();
    expect(await routeCommand(['eval', '--router', router, '--data', test], io)).toBe(0);
    const metrics = parse(out[0] ?? '');
    // A perfect ordering reaches 1 − (strong-win share) / 2 ≈ 0.75 here; random is about 0.5.
    expect(metrics.apgr).toBeGreaterThan(0.7);
    expect(metrics).toMatchObject({ strongModel: strong, weakModel: weak, strongQuality: 100 });
    expect(metrics.weakQuality).toBeLessThan(100);
    for (const key of ['cpt20', 'cpt50', 'cpt80']) expect(typeof metrics[key]).toBe('number');
    expect(Array.isArray(metrics.points)).toBe(true);
  });

  it('trains only the learner families --learners names, and refuses unknown ones', async () => {
    for (const [learners, family] of [
      ['linear', /^logistic/],
      ['mf', /^mf /],
    ] as const) {
      const { io, out } = captureIo();
      const args = ['train', '--data', data, '--out', join(directory, `${learners}.json`)];
      const pair = ['--strong', strong, '--weak', weak, '--folds', '3', '--learners', learners];
      expect(await routeCommand([...args, ...pair], io)).toBe(0);
      expect(String(parse(out[0] ?? '').chosen)).toMatch(family);
    }
    expect(() =>
      routeCommand(['train', '--data', data, '--out', router, '--learners', 'svm'], captureIo().io),
    ).toThrow(/--learners takes a comma-separated list of linear, knn, mf/);
  }, 60_000);

  it('refuses half a pair, unpriced N-model data and missing flags', () => {
    const { io } = captureIo();
    expect(() =>
      routeCommand(['train', '--data', data, '--out', router, '--strong', strong], io),
    ).toThrow(/both --strong M and --weak M, or neither/u);
    // Without a pair the command trains an N-model router, which needs every model's cost.
    expect(() => routeCommand(['train', '--data', data, '--out', router], io)).toThrow(
      `${data} line 1: no cost for model "${strong}"`,
    );
    expect(() => routeCommand(['train', '--out', router], io)).toThrow(UsageError);
    expect(() => routeCommand(['score', '--router', router], io)).toThrow(/--input/u);
    expect(() => routeCommand(['eval', '--data', data], io)).toThrow(/--router/u);
    expect(() => routeCommand(['fly'], io)).toThrow(UsageError);
  });

  it('names the line of a bad example and unknown models, through the command line', async () => {
    const lines = syntheticLines(30, 3);
    lines.splice(4, 0, '{"prompt": "no closing brace"');
    const bad = file(directory, 'bad.jsonl', lines);
    const first = captureIo();
    expect(await runCli(['route', 'eval', '--router', router, '--data', bad], first.io)).toBe(1);
    expect(first.error.join('\n')).toContain(`${bad} line 5: not valid JSON`);

    const scoreless = file(directory, 'scoreless.jsonl', [
      ...syntheticLines(3, 1),
      JSON.stringify({ prompt: 'x', scores: { [strong]: 2 } }),
    ]);
    const second = captureIo();
    expect(
      await runCli(['route', 'eval', '--router', router, '--data', scoreless], second.io),
    ).toBe(1);
    expect(second.error.join('\n')).toContain('line 4: "scores.big-model" must be in 0..1');

    const third = captureIo();
    const args = ['route', 'train', '--data', data, '--out', router, '--strong', 'gpt-x'];
    expect(await runCli([...args, '--weak', weak], third.io)).toBe(1);
    expect(third.error.join('\n')).toContain('no scores for model "gpt-x"');

    const help = captureIo();
    expect(await runCli(['route', '--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('signalbox route train');
  });
});

/**
 * Three priced models: `cheap` answers prose, `mathy` answers maths, `big` (10× cheap) answers
 * both. The oracle sends prose to cheap and maths to mathy: quality 1 at 15% of big's cost.
 */
const nModels = { cheap: 0.001, mathy: 0.002, big: 0.01 };

function nModelLines(count: number, seed: number): string[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const maths = random.next() < 0.5;
    const topic = topics[i % topics.length] ?? 'apples';
    const prompt = maths
      ? `compute the integral of the ${topic} function number ${i}`
      : `tell me something about ${topic} number ${i}`;
    const scores = { cheap: maths ? 0 : 1, mathy: maths ? 1 : 0, big: 1 };
    return JSON.stringify({ prompt, scores, costs: nModels });
  });
}

describe('signalbox route, N-model', () => {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-route-n-'));
  const data = file(directory, 'train.jsonl', nModelLines(120, 5));
  const router = join(directory, 'router.json');
  let trained: Record<string, unknown> = {};

  beforeAll(async () => {
    const { io, out, error } = captureIo();
    const args = ['train', '--data', data, '--out', router, '--folds', '3'];
    expect(await routeCommand(args, io)).toBe(0);
    expect(error).toEqual([]);
    trained = parse(out[0] ?? '');
  }, 60_000);

  it('trains over every model in the data and reports the selection', () => {
    expect(trained).toMatchObject({ router, examples: 120, models: ['big', 'cheap', 'mathy'] });
    expect(typeof trained.chosen).toBe('string');
    // Cross-validated, the router's frontier sits near the oracle's: quality 1 from 15% of big's cost.
    expect(trained.crossValidatedCostSavingAt95).toBeGreaterThan(0.8);
    expect(trained.defaultTradeoff).toBeGreaterThan(0);
  });

  it('scores every model and chooses the cheapest capable one; λ moves the choice', async () => {
    const input = file(directory, 'input.jsonl', [
      JSON.stringify({ prompt: 'compute the integral of the rivers function number 999' }),
      JSON.stringify({ prompt: 'tell me something about rivers number 999' }),
    ]);
    const byDefault = captureIo();
    expect(await routeCommand(['score', '--router', router, '--input', input], byDefault.io)).toBe(
      0,
    );
    const lines = byDefault.out.map(parse);
    expect(lines.map((line) => line.choice)).toEqual(['mathy', 'cheap']);
    const scores = lines[0]?.scores as Record<string, number>;
    expect(Object.keys(scores).sort()).toEqual(['big', 'cheap', 'mathy']);
    expect(scores.mathy).toBeGreaterThan((scores.cheap ?? 0) + 0.5);

    const thrifty = captureIo();
    const args = ['score', '--router', router, '--input', input, '--tradeoff', '100'];
    expect(await routeCommand(args, thrifty.io)).toBe(0);
    expect(thrifty.out.map(parse).map((line) => line.choice)).toEqual(['cheap', 'cheap']);
  });

  it('evaluates held-out data against the best single model and the oracle', async () => {
    const test = file(directory, 'test.jsonl', nModelLines(60, 9));
    const { io, out } = captureIo();
    expect(await routeCommand(['eval', '--router', router, '--data', test], io)).toBe(0);
    const metrics = parse(out[0] ?? '');
    expect(metrics).toMatchObject({
      examples: 60,
      bestSingle: { model: 'big', quality: 1, meanCost: expect.closeTo(0.01, 12) as number },
      oracle: { quality: 1 },
      qualityAtBestSingleCost: 1,
    });
    const oracle = metrics.oracle as { meanCost: number };
    // The oracle pays 0.001 or 0.002 per prompt: between 90% and 80% below big's 0.01.
    expect(oracle.meanCost).toBeGreaterThan(0.001);
    expect(oracle.meanCost).toBeLessThan(0.002);
    expect(metrics.costSavingAt95).toBeGreaterThan(0.8);
    expect(metrics.atTradeoff).toMatchObject({ quality: 1 });
    const curve = metrics.curve as { tradeoff: number; quality: number; meanCost: number }[];
    expect(curve[0]).toMatchObject({ tradeoff: 0, quality: 1 });
    // At the largest λ every prompt goes to the cheapest model.
    expect(curve.at(-1)?.meanCost).toBeCloseTo(0.001, 12);
  });

  it('refuses pair flags on an N-model router and a bad --tradeoff', async () => {
    const { io } = captureIo();
    expect(() =>
      routeCommand(['score', '--router', router, '--input', data, '--strong-share', '0.3'], io),
    ).toThrow(/--tradeoff/u);
    expect(() =>
      routeCommand(['score', '--router', router, '--input', data, '--tradeoff=-1'], io),
    ).toThrow(/non-negative/u);
    const unpriced = file(directory, 'unpriced.jsonl', [
      ...nModelLines(2, 1),
      JSON.stringify({ prompt: 'x', scores: { cheap: 1, mathy: 1, big: 1 } }),
    ]);
    const result = captureIo();
    expect(await runCli(['route', 'eval', '--router', router, '--data', unpriced], result.io)).toBe(
      1,
    );
    expect(result.error.join('\n')).toContain('line 3: no cost for model "big"');
  });
});
