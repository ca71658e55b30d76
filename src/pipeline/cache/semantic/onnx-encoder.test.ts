import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFixtureModel,
  writeFixtureModelDirectory,
} from '../../../../test/fixtures/onnx/build-fixture-model.ts';
import { OnnxEncoder } from './onnx-encoder.ts';

let root: string;
let counter = 0;

/** A fresh fixture model directory (see test/fixtures/onnx/build-fixture-model.ts). */
async function fixtureDirectory(
  options: Parameters<typeof writeFixtureModelDirectory>[1] = {},
): Promise<string> {
  counter += 1;
  const directory = join(root, `model-${counter}`);
  await writeFixtureModelDirectory(directory, options);
  return directory;
}

function dot(left: Float32Array, right: Float32Array): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}

/** Equal up to float32 rounding: the runtime may sum in a different order for another batch. */
function expectSameVector(actual: Float32Array | undefined, expected: Float32Array | undefined) {
  expect(actual).toHaveLength(expected?.length ?? -1);
  actual?.forEach((value, index) => expect(value).toBeCloseTo(expected?.[index] ?? NaN, 6));
}

function norm(vector: Float32Array): number {
  return Math.sqrt(dot(vector, vector));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'signalbox-onnx-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('OnnxEncoder', () => {
  let encoder: OnnxEncoder;

  beforeAll(async () => {
    encoder = await OnnxEncoder.open(await fixtureDirectory());
  });

  it('encodes each text to a unit vector of the model width, named by model digest and width', async () => {
    const vectors = await encoder.encode(['the cat sat on the mat', 'hello world', '']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(8);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(encoder.dimensions).toBe(8);
    expect(encoder.id).toMatch(/^onnx:[0-9a-f]{16}:8$/);
  });

  it('gives the same vector for the same text', async () => {
    const [first] = await encoder.encode(['The cats sat on a rug']);
    const [second] = await encoder.encode(['the CATS sat on a rug']);
    expect(Array.from(second ?? [])).toEqual(Array.from(first ?? []));
  });

  it('puts texts that share tokens closer together than unrelated texts', async () => {
    const [anchor, related, unrelated] = await encoder.encode([
      'the cat sat on the mat',
      'the cat sat on a rug',
      'quantum finance bonds yield',
    ]);
    if (anchor === undefined || related === undefined || unrelated === undefined) {
      throw new Error('missing vectors');
    }
    expect(dot(anchor, related)).toBeGreaterThan(dot(anchor, unrelated));
  });

  it('ignores padding: a text alone encodes as it does next to a longer one', async () => {
    const [alone] = await encoder.encode(['hello world']);
    const [batched] = await encoder.encode([
      'hello world',
      'the cat sat on the mat alpha beta gamma delta',
    ]);
    expectSameVector(batched, alone);
  });

  it('serves concurrent calls in order', async () => {
    const texts = ['hello', 'world', 'alpha beta', 'gamma'];
    const separate = await Promise.all(texts.map((text) => encoder.encode([text])));
    const together = await encoder.encode(texts);
    separate.forEach(([vector], index) => {
      expectSameVector(vector, together[index]);
    });
  });

  it('returns no vectors for no texts', async () => {
    expect(await encoder.encode([])).toEqual([]);
  });
});

describe('OnnxEncoder.open', () => {
  it('truncates to maxSequenceLength, keeping the closing special token', async () => {
    // [CLS] hello world [SEP] is four tokens: the rest of the longer text is cut.
    const truncating = await OnnxEncoder.open(await fixtureDirectory(), { maxSequenceLength: 4 });
    const [cut, short] = await truncating.encode(['hello world alpha beta', 'hello world']);
    expect(Array.from(cut ?? [])).toEqual(Array.from(short ?? []));

    const full = await OnnxEncoder.open(await fixtureDirectory());
    const [uncut, reference] = await full.encode(['hello world alpha beta', 'hello world']);
    expect(Array.from(uncut ?? [])).not.toEqual(Array.from(reference ?? []));
    await Promise.all([truncating.close(), full.close()]);
  });

  it('reads onnx/model.onnx, feeds token_type_ids, and prefers a pooled sentence_embedding', async () => {
    const directory = await fixtureDirectory({
      nestedModel: true,
      tokenTypeIds: true,
      pooledOutput: true,
    });
    const pooled = await OnnxEncoder.open(directory);
    const [vector] = await pooled.encode(['hello world']);
    expect(norm(vector ?? new Float32Array())).toBeCloseTo(1, 5);
    // The fixture's pooled output averages over [CLS] hello world [SEP] like mean pooling does,
    // so both paths agree on an unpadded text.
    const tokenLevel = await OnnxEncoder.open(await fixtureDirectory());
    const [expected] = await tokenLevel.encode(['hello world']);
    expectSameVector(vector, expected);
  });

  it('names the missing model file', async () => {
    const directory = await fixtureDirectory();
    await unlink(join(directory, 'model.onnx'));
    await expect(OnnxEncoder.open(directory)).rejects.toThrow(
      /no model file in .*model-\d+ \(looked for model\.onnx and onnx\/model\.onnx\)/,
    );
  });

  it('names the missing tokenizer file', async () => {
    const directory = await fixtureDirectory();
    await unlink(join(directory, 'tokenizer.json'));
    await expect(OnnxEncoder.open(directory)).rejects.toThrow(
      /missing tokenizer file .*tokenizer\.json/,
    );
  });

  it('rejects with a clear error when the runtime refuses the model', async () => {
    const directory = await fixtureDirectory();
    await writeFile(join(directory, 'model.onnx'), 'not a model');
    await expect(OnnxEncoder.open(directory)).rejects.toThrow(/cannot load .*model\.onnx/);
  });

  it('changes its id when the model file changes', async () => {
    const directory = await fixtureDirectory({ seed: 1 });
    const before = await OnnxEncoder.open(directory);
    await writeFile(join(directory, 'model.onnx'), buildFixtureModel({ seed: 2 }));
    const after = await OnnxEncoder.open(directory);
    expect(after.id).not.toBe(before.id);
    expect(after.dimensions).toBe(before.dimensions);

    const wider = await OnnxEncoder.open(await fixtureDirectory({ dimensions: 12 }));
    expect(wider.id).toMatch(/:12$/);
    expect(wider.dimensions).toBe(12);
  });

  it('rejects a non-positive maxSequenceLength', async () => {
    await expect(OnnxEncoder.open(root, { maxSequenceLength: 0 })).rejects.toThrow(
      /maxSequenceLength/,
    );
  });
});
