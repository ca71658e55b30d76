/**
 * Turns texts into unit-length vectors whose dot product measures how alike their meanings are,
 * for the semantic cache. Implementations: the built-in lexical encoder (no model download), an
 * embeddings model configured in Signalbox, and a local ONNX model directory.
 */
export interface TextEncoder {
  /**
   * Names the encoder and everything that shapes its vectors (model, dimensions, version).
   * Vectors from encoders with different ids are never compared: the id is part of every
   * semantic-cache partition.
   */
  readonly id: string;
  readonly dimensions: number;
  /**
   * One L2-normalised vector per text, in order. Rejects when the encoder cannot run (a model
   * that fails to load, an embeddings call that fails); the cache then treats the lookup as a
   * miss and never blocks the request.
   */
  encode(texts: readonly string[]): Promise<Float32Array[]>;
}
