import { OnnxEncoder } from '../pipeline/cache/semantic/onnx-encoder.ts';
import type { TextVectoriser } from '../routing/learned/router.ts';
import { UsageError } from './cli-io.ts';

/** Which encoder `route` trains or scores with: the built-in routing encoder or a local ONNX model. */
export type RouteEncoderFlag =
  { readonly kind: 'lexical' } | { readonly kind: 'onnx'; readonly directory: string };

/** `--encoder lexical | onnx:DIR` (default lexical). */
export function routeEncoderFlag(value: string | undefined): RouteEncoderFlag {
  if (value === undefined || value === 'lexical') return { kind: 'lexical' };
  if (value.startsWith('onnx:') && value.length > 'onnx:'.length) {
    return { kind: 'onnx', directory: value.slice('onnx:'.length) };
  }
  throw new UsageError('--encoder takes lexical or onnx:DIR (a directory with model.onnx)');
}

/** Texts encoded per call: enough to keep the model busy, little enough to bound memory. */
const batchSize = 32;

/**
 * An ONNX model's vectors for `texts`, computed up front (the model runs asynchronously, the
 * learners read vectors synchronously) and served by text. Encoding a text it was not given is a
 * defect of the caller and throws.
 */
export async function precomputedOnnxVectoriser(
  directory: string,
  texts: readonly string[],
): Promise<TextVectoriser> {
  const encoder = await OnnxEncoder.open(directory);
  const unique = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  for (let start = 0; start < unique.length; start += batchSize) {
    const batch = unique.slice(start, start + batchSize);
    const encoded = await encoder.encode(batch);
    batch.forEach((text, index) => {
      const vector = encoded[index];
      if (vector !== undefined) vectors.set(text, vector);
    });
  }
  return {
    id: encoder.id,
    dimensions: encoder.dimensions,
    encodeOne(text) {
      const vector = vectors.get(text);
      if (vector === undefined) throw new Error('text was not encoded in advance');
      return vector;
    },
  };
}
