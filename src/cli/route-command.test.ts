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
    expect(parse(out[0] ?? '')).toMatchObject({ router, examples: 200 });
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

  it('refuses N-model training and missing flags as usage errors', () => {
    const { io } = captureIo();
    expect(() => routeCommand(['train', '--data', data, '--out', router], io)).toThrow(
      /only strong\/weak training exists yet/u,
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
