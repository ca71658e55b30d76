import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';

/**
 * The most input tokens a request can be billed for, without decoding it: its body's UTF-8 byte
 * length. Every tokenizer in use spends at least one byte of text per token, and a JSON body is
 * never shorter than the text it carries, so this bounds text input from above (about four times
 * a typical count). Media are bounded by their bytes the same way, which over-reserves for large
 * images until the request settles at its actual cost. Pure.
 */
export function inputTokenBound(envelope: ModelRequestEnvelope): number {
  return Buffer.byteLength(envelope.body.text);
}
