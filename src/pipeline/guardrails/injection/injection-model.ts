import { createHash } from 'node:crypto';
import { isJsonObject } from '../../../lib/json.ts';
import type { InjectionFeatureConfig } from './injection-feature-config.ts';

/** The `format` value every injection model file carries. */
export const injectionModelFormat = 'signalbox-injection-model';

/** What the model was trained on and how; informational, covered by no check but the checksum. */
export interface InjectionModelTraining {
  readonly description: string;
  readonly data: readonly string[];
  readonly examples: number;
  readonly seed: number;
  readonly l2: number;
  readonly epochs: number;
}

/**
 * A logistic-regression injection classifier over hashed features. `indices`/`weights` hold only
 * the non-zero weights (ascending indices). `checksum` is `sha256:` + the hex SHA-256 of
 * {@link injectionModelChecksumInput}.
 */
export interface InjectionModelFile {
  readonly format: typeof injectionModelFormat;
  readonly version: string;
  readonly kind: 'logistic-regression';
  readonly features: InjectionFeatureConfig;
  readonly training: InjectionModelTraining;
  readonly bias: number;
  readonly indices: readonly number[];
  readonly weights: readonly number[];
  readonly checksum: string;
}

/** A validated model, ready to score: weights expanded into a dense array for fast lookup. */
export interface InjectionModel {
  readonly version: string;
  readonly features: InjectionFeatureConfig;
  readonly bias: number;
  readonly weights: Float32Array;
}

/** A model file that cannot be used. The message names the problem, never any scored text. */
export class InjectionModelError extends Error {
  override readonly name = 'InjectionModelError';
}

/**
 * The exact text the checksum covers: version, features, bias and weights in a fixed order, so
 * that reformatting the file or reordering its keys does not change it.
 */
export function injectionModelChecksumInput(
  model: Pick<InjectionModelFile, 'version' | 'features' | 'bias' | 'indices' | 'weights'>,
): string {
  const { hashBits, charNgramMin, charNgramMax, wordNgramMax, domainCopies } = model.features;
  return JSON.stringify([
    model.version,
    [hashBits, charNgramMin, charNgramMax, wordNgramMax, domainCopies],
    model.bias,
    model.indices,
    model.weights,
  ]);
}

/** `sha256:<hex>` of {@link injectionModelChecksumInput}. Pure. */
export function injectionModelChecksum(
  model: Pick<InjectionModelFile, 'version' | 'features' | 'bias' | 'indices' | 'weights'>,
): string {
  return `sha256:${createHash('sha256').update(injectionModelChecksumInput(model)).digest('hex')}`;
}

function integerIn(value: unknown, low: number, high: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high;
}

function readFeatures(value: unknown): InjectionFeatureConfig {
  if (!isJsonObject(value))
    throw new InjectionModelError('injection model: "features" is not an object');
  const { hashBits, charNgramMin, charNgramMax, wordNgramMax, domainCopies } = value;
  if (!integerIn(hashBits, 8, 24))
    throw new InjectionModelError(
      'injection model: "features.hashBits" must be an integer in 8..24',
    );
  if (!integerIn(charNgramMin, 1, 8) || !integerIn(charNgramMax, charNgramMin, 8)) {
    throw new InjectionModelError(
      'injection model: "features.charNgramMin/Max" must satisfy 1 <= min <= max <= 8',
    );
  }
  if (!integerIn(wordNgramMax, 1, 2))
    throw new InjectionModelError('injection model: "features.wordNgramMax" must be 1 or 2');
  if (typeof domainCopies !== 'boolean')
    throw new InjectionModelError('injection model: "features.domainCopies" must be a boolean');
  return { hashBits, charNgramMin, charNgramMax, wordNgramMax, domainCopies };
}

function readWeights(indices: unknown, weights: unknown, hashBits: number): Float32Array {
  if (!Array.isArray(indices) || !Array.isArray(weights) || indices.length !== weights.length) {
    throw new InjectionModelError(
      'injection model: "indices" and "weights" must be arrays of equal length',
    );
  }
  const size = 2 ** hashBits;
  const dense = new Float32Array(size);
  let previous = -1;
  for (let position = 0; position < indices.length; position += 1) {
    const index: unknown = indices[position];
    const weight: unknown = weights[position];
    if (!integerIn(index, previous + 1, size - 1)) {
      throw new InjectionModelError(
        `injection model: index at position ${position} is not ascending or is out of range`,
      );
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw new InjectionModelError(
        `injection model: weight at position ${position} is not a finite number`,
      );
    }
    dense[index] = weight;
    previous = index;
  }
  return dense;
}

/**
 * Validates a parsed model file and prepares it for scoring. Throws {@link InjectionModelError}
 * when the format, kind, feature config, weights or checksum are wrong (a corrupted or edited
 * file is refused rather than scored with garbage). Pure apart from the allocation.
 */
export function parseInjectionModel(value: unknown): InjectionModel {
  if (!isJsonObject(value))
    throw new InjectionModelError('injection model: the file is not a JSON object');
  if (value.format !== injectionModelFormat)
    throw new InjectionModelError(`injection model: "format" must be "${injectionModelFormat}"`);
  if (value.kind !== 'logistic-regression')
    throw new InjectionModelError('injection model: "kind" must be "logistic-regression"');
  const version = value.version;
  if (typeof version !== 'string' || version.length === 0)
    throw new InjectionModelError('injection model: "version" must be a non-empty string');
  const bias = value.bias;
  if (typeof bias !== 'number' || !Number.isFinite(bias))
    throw new InjectionModelError('injection model: "bias" must be a finite number');
  const features = readFeatures(value.features);
  const indices = value.indices;
  const weightList = value.weights;
  const weights = readWeights(indices, weightList, features.hashBits);
  const expected = injectionModelChecksum({
    version,
    features,
    bias,
    indices: indices as number[],
    weights: weightList as number[],
  });
  if (value.checksum !== expected) {
    throw new InjectionModelError(
      'injection model: checksum mismatch (the file is corrupted or was edited by hand)',
    );
  }
  return { version, features, bias, weights };
}
