import { isJsonObject, type JsonObject } from '../../lib/json.ts';

/**
 * One `Part` of a Gemini candidate's content, classified the way the canonical model needs it.
 * Parts Signalbox does not carry (`inlineData` output, `executableCode`, `codeExecutionResult`)
 * are `other`; their thought signature is still kept.
 */
export type GeminiPartReading =
  | { readonly kind: 'thought'; readonly text: string; readonly signature: string | undefined }
  | { readonly kind: 'text'; readonly text: string; readonly signature: string | undefined }
  | {
      readonly kind: 'function-call';
      readonly call: JsonObject;
      readonly signature: string | undefined;
    }
  | { readonly kind: 'other'; readonly signature: string | undefined };

/**
 * Classifies a Gemini part. `thought: true` marks thought-summary text; `thoughtSignature` may sit
 * on any part (on the first function call of a step, on the last text part, or on an empty text
 * part of its own at the end of a stream). Pure.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function readGeminiPart(part: JsonObject): GeminiPartReading {
  const signature =
    typeof part.thoughtSignature === 'string' && part.thoughtSignature !== ''
      ? part.thoughtSignature
      : undefined;
  if (isJsonObject(part.functionCall)) {
    return { kind: 'function-call', call: part.functionCall, signature };
  }
  if (typeof part.text === 'string') {
    return { kind: part.thought === true ? 'thought' : 'text', text: part.text, signature };
  }
  return { kind: 'other', signature };
}

/** The parts of a candidate's `content`, skipping entries that are not objects. Pure. */
export function candidateParts(candidate: JsonObject): JsonObject[] {
  const content = isJsonObject(candidate.content) ? candidate.content : {};
  return Array.isArray(content.parts) ? content.parts.filter(isJsonObject) : [];
}

/**
 * The choice index of a candidate. Gemini omits `index` when it is 0 (Vertex AI always does), so
 * a missing index falls back to the candidate's position in the array. Pure.
 */
export function candidateIndex(candidate: JsonObject, position: number): number {
  const index = candidate.index;
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : position;
}

/** The id the gateway gives a function call: Gemini's own `id`, else `call_<choice>_<n>`. Pure. */
export function geminiToolCallId(call: JsonObject, choice: number, ordinal: number): string {
  return typeof call.id === 'string' && call.id !== '' ? call.id : `call_${choice}_${ordinal}`;
}

/** Unix seconds of Vertex AI's `createTime` (RFC 3339), or undefined. Pure. */
export function createTimeSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const milliseconds = Date.parse(value);
  return Number.isFinite(milliseconds) ? Math.floor(milliseconds / 1000) : undefined;
}
