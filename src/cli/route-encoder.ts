import { unit } from '../app/gateway-embeddings-encoder.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import { OnnxEncoder } from '../pipeline/cache/semantic/onnx-encoder.ts';
import type { TextVectoriser } from '../routing/learned/router.ts';
import { UsageError } from './cli-io.ts';

/** Which encoder `route` trains or scores with: built in, a local ONNX model, or embeddings. */
export type RouteEncoderFlag =
  | { readonly kind: 'lexical' }
  | { readonly kind: 'onnx'; readonly directory: string }
  | { readonly kind: 'embeddings'; readonly model: string };

/** `--encoder lexical | onnx:DIR | embeddings:MODEL` (default lexical). */
export function routeEncoderFlag(value: string | undefined): RouteEncoderFlag {
  if (value === undefined || value === 'lexical') return { kind: 'lexical' };
  if (value.startsWith('onnx:') && value.length > 'onnx:'.length) {
    return { kind: 'onnx', directory: value.slice('onnx:'.length) };
  }
  if (value.startsWith('embeddings:') && value.length > 'embeddings:'.length) {
    return { kind: 'embeddings', model: value.slice('embeddings:'.length) };
  }
  throw new UsageError(
    '--encoder takes lexical, onnx:DIR (a directory with model.onnx) or embeddings:MODEL (a model a running Signalbox serves)',
  );
}

/** Texts encoded per call: enough to keep the model busy, little enough to bound memory. */
const batchSize = 32;

/**
 * Vectors computed up front (the model runs asynchronously, the learners read vectors
 * synchronously), served by text. Encoding a text it was not given is a defect and throws.
 */
function vectoriserOf(
  id: string,
  dimensions: number,
  vectors: ReadonlyMap<string, Float32Array>,
): TextVectoriser {
  return {
    id,
    dimensions,
    encodeOne(text) {
      const vector = vectors.get(text);
      if (vector === undefined) throw new Error('text was not encoded in advance');
      return vector;
    },
  };
}

/** Encodes the distinct `texts` in batches with `encode`, keyed by text. */
async function encodeAll(
  texts: readonly string[],
  encode: (batch: readonly string[]) => Promise<readonly Float32Array[]>,
): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  for (let start = 0; start < unique.length; start += batchSize) {
    const batch = unique.slice(start, start + batchSize);
    const encoded = await encode(batch);
    batch.forEach((text, index) => {
      const vector = encoded[index];
      if (vector !== undefined) vectors.set(text, vector);
    });
  }
  return vectors;
}

/** A local ONNX model's vectors for `texts`, with the id the gateway gives that encoder. */
export async function precomputedOnnxVectoriser(
  directory: string,
  texts: readonly string[],
): Promise<TextVectoriser> {
  const encoder = await OnnxEncoder.open(directory);
  const vectors = await encodeAll(texts, (batch) => encoder.encode(batch));
  return vectoriserOf(encoder.id, encoder.dimensions, vectors);
}

/** Where `--encoder embeddings:MODEL` asks for vectors: a running Signalbox and a key for it. */
export interface EmbeddingsService {
  /** The gateway's base URL, e.g. http://127.0.0.1:7878. */
  readonly url: string;
  readonly apiKey: string;
}

/** One batch from `POST /v1/embeddings`, unit length. */
async function embed(
  service: EmbeddingsService,
  model: string,
  batch: readonly string[],
): Promise<Float32Array[]> {
  const response = await fetch(`${service.url.replace(/\/+$/u, '')}/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: batch }),
  });
  if (!response.ok) {
    throw new UsageError(
      `the embeddings request to ${service.url} failed with status ${String(response.status)}`,
    );
  }
  const body = safeParseJson(await response.text());
  const data = body.ok && isJsonObject(body.value) ? body.value.data : undefined;
  if (!Array.isArray(data) || data.length !== batch.length) {
    throw new UsageError(`the embeddings model ${model} returned an unexpected body`);
  }
  return data.map((item: unknown) => {
    const embedding = isJsonObject(item) ? item.embedding : undefined;
    if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number')) {
      throw new UsageError(`the embeddings model ${model} returned a non-numeric embedding`);
    }
    return unit(embedding);
  });
}

/**
 * An embeddings model's vectors for `texts`, asked of a running Signalbox (so they are the
 * vectors its router will see), with the id the gateway gives that encoder
 * (`embeddings:<model>:<dimensions>`).
 */
export async function precomputedEmbeddingsVectoriser(
  service: EmbeddingsService,
  model: string,
  texts: readonly string[],
): Promise<TextVectoriser> {
  const vectors = await encodeAll(texts, (batch) => embed(service, model, batch));
  const dimensions = vectors.values().next().value?.length ?? 0;
  return vectoriserOf(`embeddings:${model}:${String(dimensions)}`, dimensions, vectors);
}
