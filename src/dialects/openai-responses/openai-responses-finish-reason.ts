import { isJsonObject, type JsonObject } from '../../lib/json.ts';

/**
 * The finish reason of a Responses API `response` object: why it is incomplete when it is
 * (`max_output_tokens`, `content_filter`), else its status (`completed`), else `fallback`.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
export function openAiResponsesFinishReason(response: JsonObject, fallback: string): string {
  const details = isJsonObject(response.incomplete_details) ? response.incomplete_details : {};
  if (typeof details.reason === 'string') return details.reason;
  return typeof response.status === 'string' ? response.status : fallback;
}

/** The finish reasons of a complete Responses API body (one, or none for a body that is not a response). */
export function readOpenAiResponsesFinishReasons(body: unknown): readonly string[] {
  return isJsonObject(body) ? [openAiResponsesFinishReason(body, 'completed')] : [];
}
