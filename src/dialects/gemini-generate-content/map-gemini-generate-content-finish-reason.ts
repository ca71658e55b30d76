import type { FinishReason } from '../../canonical/finish-reason.ts';

/** Gemini finish reasons that mean a safety or policy filter stopped the answer. */
const filtered: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  // Vertex AI: a Model Armor policy blocked the answer.
  'MODEL_ARMOR',
]);

/** Gemini finish reasons that mean the model produced something the API could not accept. */
const failed: ReadonlySet<string> = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
  'MALFORMED_RESPONSE',
]);

/**
 * A candidate's `finishReason` as a canonical finish reason, keeping the raw value. Gemini reports
 * `STOP` after function calls too, so a candidate that called tools and stopped reports
 * `tool-calls`. Broken model output (`MALFORMED_FUNCTION_CALL` and kin) is `error`; `LANGUAGE`,
 * `OTHER`, `NO_IMAGE` and values this table does not know are `other`. Pure.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/GenerateContentResponse#FinishReason
 */
export function decodeGeminiFinishReason(
  raw: string | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (raw === undefined) {
    return { unified: hasToolCalls ? 'tool-calls' : 'other', raw };
  }
  if (raw === 'STOP') {
    return { unified: hasToolCalls ? 'tool-calls' : 'stop', raw };
  }
  if (raw === 'MAX_TOKENS') {
    return { unified: 'length', raw };
  }
  if (filtered.has(raw)) {
    return { unified: 'content-filter', raw };
  }
  if (failed.has(raw)) {
    return { unified: 'error', raw };
  }
  return { unified: 'other', raw };
}

/**
 * A prompt the API refused (`promptFeedback.blockReason`, no candidates) as the finish reason of
 * the one empty choice the gateway reports for it. Every block reason is a filter. Pure.
 * @see https://ai.google.dev/api/generate-content#BlockReason
 */
export function decodeGeminiBlockReason(raw: string): FinishReason {
  return { unified: 'content-filter', raw };
}
