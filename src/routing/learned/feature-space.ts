import { handFeatureNames, handFeatures } from './hand-features.ts';
import type { RouterInput, TextVectoriser } from './router.ts';

/** What a prompt turns into before any model sees it; computed once per prompt and reused. */
export interface PromptDescription {
  /** Unit-length encoder vector. */
  readonly encoded: Float32Array;
  /** Raw hand features, {@link handFeatureNames} order. */
  readonly hand: readonly number[];
  readonly group?: string | undefined;
}

/**
 * Which parts make up a model's input row, plus what standardising them needs. Stored in the
 * artifact so a loaded router builds exactly the rows it was trained on.
 */
export interface FeatureConfig {
  readonly encoderId: string;
  readonly encoderDimensions: number;
  /** Scale of the encoder block; 0 drops it (a hand-features-only model). */
  readonly encoderWeight: number;
  readonly useHand: boolean;
  readonly handMeans: readonly number[];
  readonly handScales: readonly number[];
  /**
   * Groups with a one-hot column. Empty when groups must not be used (subject-held-out split, or
   * traffic without a known group). An unseen group gets all zeros, i.e. the global intercept.
   */
  readonly groups: readonly string[];
}

export function describePrompt(encoder: TextVectoriser, input: RouterInput): PromptDescription {
  return {
    encoded: input.encoded ?? encoder.encodeOne(input.prompt),
    hand: handFeatures(input.prompt),
    group: input.group,
  };
}

/** Fits standardisation on the training descriptions only, so test rows never inform it. */
export function fitFeatureConfig(
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  training: readonly PromptDescription[],
  options: {
    readonly encoderWeight: number;
    readonly useHand: boolean;
    readonly useGroups: boolean;
  },
): FeatureConfig {
  const count = handFeatureNames.length;
  const means = new Array<number>(count).fill(0);
  const scales = new Array<number>(count).fill(0);
  for (const row of training)
    for (let i = 0; i < count; i += 1)
      means[i] = (means[i] ?? 0) + (row.hand[i] ?? 0) / training.length;
  for (const row of training) {
    for (let i = 0; i < count; i += 1)
      scales[i] = (scales[i] ?? 0) + ((row.hand[i] ?? 0) - (means[i] ?? 0)) ** 2 / training.length;
  }
  const groups = options.useGroups
    ? [...new Set(training.flatMap((row) => (row.group === undefined ? [] : [row.group])))].sort()
    : [];
  return {
    encoderId: encoder.id,
    encoderDimensions: encoder.dimensions,
    encoderWeight: options.encoderWeight,
    useHand: options.useHand,
    handMeans: means,
    // A constant feature gets scale 1 rather than a division by zero.
    handScales: scales.map((variance) => (variance > 1e-12 ? Math.sqrt(variance) : 1)),
    groups,
  };
}

export function featureCount(config: FeatureConfig): number {
  return (
    (config.encoderWeight > 0 ? config.encoderDimensions : 0) +
    (config.useHand ? config.handMeans.length : 0) +
    config.groups.length
  );
}

/** The dense model input for one prompt. */
export function featureRow(config: FeatureConfig, description: PromptDescription): Float64Array {
  const row = new Float64Array(featureCount(config));
  let offset = 0;
  if (config.encoderWeight > 0) {
    for (let i = 0; i < config.encoderDimensions; i += 1)
      row[i] = (description.encoded[i] ?? 0) * config.encoderWeight;
    offset = config.encoderDimensions;
  }
  if (config.useHand) {
    for (let i = 0; i < config.handMeans.length; i += 1) {
      row[offset + i] =
        ((description.hand[i] ?? 0) - (config.handMeans[i] ?? 0)) / (config.handScales[i] ?? 1);
    }
    offset += config.handMeans.length;
  }
  if (description.group !== undefined) {
    const index = config.groups.indexOf(description.group);
    if (index >= 0) row[offset + index] = 1;
  }
  return row;
}
