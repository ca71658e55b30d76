import { z } from 'zod';
import { featureCount, type FeatureConfig } from './feature-space.ts';

/** Schema parts shared by the router artifacts (pair and N-model). */

// z.number() refuses NaN and ±Infinity in zod 4. Readonly arrays, so trained models (readonly number[]) fit without copying.
export const numbers = z.array(z.number()).readonly();

export const featureConfigSchema = z.object({
  encoderId: z.string(),
  encoderDimensions: z.number().int().positive(),
  encoderWeight: z.number().nonnegative(),
  useHand: z.boolean(),
  handMeans: numbers,
  handScales: numbers,
  groups: z.array(z.string()).readonly(),
});

/** The row width a feature config builds, after checking its hand statistics agree. */
export function checkedFeatureWidth(features: FeatureConfig): number | string {
  if (features.handMeans.length !== features.handScales.length)
    return 'hand feature statistics differ in length';
  return featureCount(features);
}
