import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../../lib/json.ts';
import {
  InjectionModelError,
  injectionModelChecksum,
  parseInjectionModel,
} from './injection-model.ts';
import { loadInjectionModel, shippedInjectionModelPath } from './load-injection-model.ts';

function shippedFile(): Record<string, unknown> {
  const parsed = safeParseJson(readFileSync(shippedInjectionModelPath, 'utf8'));
  if (!parsed.ok) throw new Error('shipped model is not JSON');
  return parsed.value as Record<string, unknown>;
}

function refusal(value: unknown): string {
  try {
    parseInjectionModel(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InjectionModelError);
    return (error as Error).message;
  }
  throw new Error('expected the model to be refused');
}

describe('injection model file', () => {
  it('loads and validates the shipped model', () => {
    const model = loadInjectionModel();
    expect(model.version).toMatch(/^injection-lr-/);
    expect(model.weights).toHaveLength(2 ** model.features.hashBits);
    const file = shippedFile();
    const training = file.training as Record<string, unknown>;
    expect(typeof training.seed).toBe('number');
    expect(typeof training.l2).toBe('number');
  });

  it('is small', () => {
    expect(readFileSync(shippedInjectionModelPath).byteLength).toBeLessThan(2 * 1024 * 1024);
  });

  it('refuses a file whose weights were changed (checksum mismatch)', () => {
    const file = shippedFile();
    const weights = [...(file.weights as number[])];
    weights[0] = (weights[0] ?? 0) + 1;
    expect(refusal({ ...file, weights })).toMatch(/checksum mismatch/);
  });

  it('refuses structural damage with a clear message', () => {
    const file = shippedFile();
    expect(refusal([])).toMatch(/not a JSON object/);
    expect(refusal({ ...file, format: 'other' })).toMatch(/"format"/);
    expect(refusal({ ...file, bias: 'x' })).toMatch(/"bias"/);
    expect(refusal({ ...file, features: { ...(file.features as object), hashBits: 40 } })).toMatch(
      /hashBits/,
    );
    expect(refusal({ ...file, weights: (file.weights as number[]).slice(1) })).toMatch(
      /equal length/,
    );
    const indices = [...(file.indices as number[])].reverse();
    expect(refusal({ ...file, indices })).toMatch(/ascending/);
  });

  it('refuses a truncated file on disk', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'injection-model-')), 'model.json');
    writeFileSync(path, readFileSync(shippedInjectionModelPath, 'utf8').slice(0, 1000));
    expect(() => loadInjectionModel(path)).toThrow(/not valid JSON/);
    expect(() => loadInjectionModel(`${path}.missing`)).toThrow(/cannot read the file \(ENOENT\)/);
  });

  it('accepts a hand-made model whose checksum matches', () => {
    const body = {
      version: 'test-1',
      features: {
        hashBits: 8,
        charNgramMin: 3,
        charNgramMax: 5,
        wordNgramMax: 2,
        domainCopies: false,
      },
      bias: -1,
      indices: [1, 5],
      weights: [0.5, -0.25],
    };
    const model = parseInjectionModel({
      format: 'signalbox-injection-model',
      kind: 'logistic-regression',
      training: {},
      ...body,
      checksum: injectionModelChecksum(body),
    });
    expect(model.weights[5]).toBe(-0.25);
  });
});
