import { hashedInjectionFeatures } from './hashed-injection-features.ts';
import type { InjectionFeatureDomain } from './injection-feature-config.ts';
import type { InjectionModel } from './injection-model.ts';

/** The logistic function, guarded against overflow for large margins. */
export function sigmoid(margin: number): number {
  if (margin >= 0) return 1 / (1 + Math.exp(-margin));
  const exponential = Math.exp(margin);
  return exponential / (1 + exponential);
}

/**
 * The classifier's probability that `text` is a prompt injection, in [0, 1]:
 * `sigmoid(bias + w · x)` over the model's hashed features for `domain` (user turns, or indirect
 * tool/retrieved content). Pure; never throws.
 */
export function classifierProbability(
  model: InjectionModel,
  text: string,
  domain: InjectionFeatureDomain = 'user',
): number {
  const { indices, values } = hashedInjectionFeatures(text, model.features, domain);
  let margin = model.bias;
  for (let position = 0; position < indices.length; position += 1) {
    margin += (model.weights[indices[position] ?? 0] ?? 0) * (values[position] ?? 0);
  }
  return sigmoid(margin);
}
