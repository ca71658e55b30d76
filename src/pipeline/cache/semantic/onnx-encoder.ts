import type * as Ort from 'onnxruntime-web';
import {
  BatchTokenizer,
  findPadId,
  type TokenBatch,
  type TokenizerLike,
} from './onnx-batch-tokenizer.ts';
import { readOnnxModelDirectory } from './onnx-model-directory.ts';
import { meanPool, normaliseInPlace, splitRows } from './onnx-pooling.ts';
import { planSession, type OnnxSessionPlan } from './onnx-session-plan.ts';
import type { TextEncoder } from './text-encoder.ts';

export interface OnnxEncoderOptions {
  /**
   * Longest token sequence fed to the model, special tokens included; longer texts are cut
   * (default 256, the length all-MiniLM-L6-v2 was trained at). Bounds the cost of one encode.
   */
  readonly maxSequenceLength?: number;
}

interface TokenizersModule {
  readonly Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => TokenizerLike;
}

const defaultMaxSequenceLength = 256;
// Encoded once at open: proves the model runs with the planned inputs and tells its width.
const probeText = 'signalbox';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A TextEncoder that runs a sentence-embedding model from a local ONNX model directory chosen
 * by the operator (layout in onnx-model-directory.ts and docs/caching-onnx.md).
 *
 * Runs on onnxruntime-web's WebAssembly build, which needs no native binary; the runtime and the
 * tokenizer are imported inside `open()`, so a gateway that uses another encoder never loads
 * them. Inference runs on the calling thread: one `encode` blocks the event loop for the time of
 * one forward pass (a few milliseconds for a short text on MiniLM-sized models).
 */
export class OnnxEncoder implements TextEncoder {
  readonly id: string;
  readonly dimensions: number;
  readonly #ort: typeof Ort;
  readonly #session: Ort.InferenceSession;
  readonly #plan: OnnxSessionPlan;
  readonly #tokenizer: BatchTokenizer;
  // The cache calls encode from concurrent requests, and onnxruntime-web does not promise that
  // overlapping runs on one session are safe (its WebGPU and JSPI builds yield inside a run; the
  // plain WASM build happens to run each call to completion). Runs are chained, one at a time.
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    ort: typeof Ort,
    session: Ort.InferenceSession,
    plan: OnnxSessionPlan,
    tokenizer: BatchTokenizer,
    modelDigest: string,
    dimensions: number,
  ) {
    this.#ort = ort;
    this.#session = session;
    this.#plan = plan;
    this.#tokenizer = tokenizer;
    this.dimensions = dimensions;
    // The model file's digest is in the id, so vectors of a replaced model are never compared
    // with cached vectors of the old one, even when the directory keeps its name.
    this.id = `onnx:${modelDigest}:${dimensions}`;
  }

  /**
   * Loads the model and tokenizer from `directory` and runs one probe encode. Rejects with an
   * Error naming the missing file, the unreadable tokenizer, or the model the runtime refused.
   */
  static async open(directory: string, options: OnnxEncoderOptions = {}): Promise<OnnxEncoder> {
    const maxSequenceLength = options.maxSequenceLength ?? defaultMaxSequenceLength;
    if (!Number.isInteger(maxSequenceLength) || maxSequenceLength < 1) {
      throw new Error(`ONNX encoder: maxSequenceLength must be a positive integer`);
    }
    const files = await readOnnxModelDirectory(directory);
    // Optional peer dependencies: installed with the repository's dev dependencies, and by an
    // operator who uses this encoder in a production install (docs/caching.md).
    const [ort, tokenizers] = await Promise.all([
      import('onnxruntime-web'),
      // The package's declarations use extensionless relative re-exports, which NodeNext
      // resolution cannot follow: its module is typed here by the part this encoder uses.
      import('@huggingface/tokenizers') as Promise<unknown> as Promise<TokenizersModule>,
    ]).catch((error: unknown) => {
      throw new Error(
        'ONNX encoder: the runtime is not installed; run `npm install onnxruntime-web@1.30.0 @huggingface/tokenizers@0.2.0`',
        { cause: error },
      );
    });

    let tokenizer: TokenizerLike;
    try {
      tokenizer = new tokenizers.Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    } catch (error) {
      throw new Error(`ONNX encoder: cannot load ${directory}/tokenizer.json: ${describe(error)}`, {
        cause: error,
      });
    }
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(files.modelBytes, {
        executionProviders: ['wasm'],
        // Warnings about unused initialisers and the like would otherwise go to stderr.
        logSeverityLevel: 3,
      });
    } catch (error) {
      throw new Error(`ONNX encoder: cannot load ${files.modelPath}: ${describe(error)}`, {
        cause: error,
      });
    }

    try {
      const plan = planSession(session);
      const batchTokenizer = new BatchTokenizer(
        tokenizer,
        maxSequenceLength,
        findPadId(tokenizer, files.tokenizerJson),
      );
      const [probe] = await runBatch(ort, session, plan, batchTokenizer.batch([probeText]));
      if (probe === undefined || probe.length === 0) {
        throw new Error('ONNX encoder: the model returned an empty vector');
      }
      return new OnnxEncoder(ort, session, plan, batchTokenizer, files.modelDigest, probe.length);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Encodes all texts in one batch, padded to the longest; see TextEncoder.encode. */
  encode(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    const result = this.#tail.then(() => this.#encodeNow(texts));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Frees the runtime's memory for the model; the encoder must not be used afterwards. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#session.release();
  }

  async #encodeNow(texts: readonly string[]): Promise<Float32Array[]> {
    let batch: TokenBatch;
    try {
      batch = this.#tokenizer.batch(texts);
    } catch (error) {
      throw new Error(`ONNX encoder ${this.id}: tokenization failed: ${describe(error)}`, {
        cause: error,
      });
    }
    const vectors = await runBatch(this.#ort, this.#session, this.#plan, batch);
    if (vectors.some((vector) => vector.length !== this.dimensions)) {
      throw new Error(`ONNX encoder ${this.id}: the model changed its output width`);
    }
    return vectors;
  }
}

/** One forward pass: feeds the batch, pools the output, returns unit vectors in input order. */
async function runBatch(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  plan: OnnxSessionPlan,
  batch: TokenBatch,
): Promise<Float32Array[]> {
  const shape = [batch.batchSize, batch.sequenceLength];
  const tensor = (values: readonly number[]): Ort.Tensor =>
    plan.tokenElementType === 'int64'
      ? new ort.Tensor(
          'int64',
          BigInt64Array.from(values, (value) => BigInt(value)),
          shape,
        )
      : new ort.Tensor('int32', Int32Array.from(values), shape);

  const feeds: Record<string, Ort.Tensor> = { [plan.inputIdsName]: tensor(batch.inputIds) };
  if (plan.attentionMaskName !== undefined) {
    feeds[plan.attentionMaskName] = tensor(batch.attentionMask);
  }
  if (plan.tokenTypeIdsName !== undefined) {
    feeds[plan.tokenTypeIdsName] = tensor(new Array<number>(batch.inputIds.length).fill(0));
  }

  let output: Ort.Tensor | undefined;
  try {
    const results = await session.run(feeds, [plan.outputName]);
    output = results[plan.outputName];
  } catch (error) {
    throw new Error(`ONNX encoder: inference failed: ${describe(error)}`, { cause: error });
  }
  if (output === undefined || !(output.data instanceof Float32Array)) {
    throw new Error(`ONNX encoder: output ${plan.outputName} is not a float32 tensor`);
  }
  const { dims, data } = output;
  const width = dims.at(-1) ?? 0;
  let vectors: Float32Array[];
  if (dims.length === 3 && dims[0] === batch.batchSize && dims[1] === batch.sequenceLength) {
    vectors = meanPool(data, batch.attentionMask, batch.batchSize, batch.sequenceLength, width);
  } else if (dims.length === 2 && dims[0] === batch.batchSize) {
    vectors = splitRows(data, batch.batchSize, width);
  } else {
    throw new Error(
      `ONNX encoder: output ${plan.outputName} has shape [${dims.join(', ')}], expected ` +
        `[${batch.batchSize}, ${batch.sequenceLength}, dimensions] or [${batch.batchSize}, dimensions]`,
    );
  }
  return vectors.map(normaliseInPlace);
}
