import type { FinishReason } from '../../canonical/finish-reason.ts';
import { isJsonObject } from '../../lib/json.ts';

/**
 * The canonical finish reason for a finished Responses `response` object: `completed` is `stop`,
 * or `tool-calls` when the answer holds function calls; `incomplete` is `length` when the output
 * limit stopped it (`incomplete_details.reason: max_output_tokens`) and `content-filter` when a
 * filter did. The raw value is the incomplete reason, or the status. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
 */
export function decodeOpenAiResponsesFinishReason(
  response: Readonly<Record<string, unknown>>,
  hasFunctionCalls: boolean,
): FinishReason {
  const status = typeof response.status === 'string' ? response.status : undefined;
  if (status === 'incomplete') {
    const details = isJsonObject(response.incomplete_details) ? response.incomplete_details : {};
    const reason = typeof details.reason === 'string' ? details.reason : undefined;
    switch (reason) {
      case 'max_output_tokens':
        return { unified: 'length', raw: reason };
      case 'content_filter':
        return { unified: 'content-filter', raw: reason };
      default:
        return { unified: 'other', raw: reason ?? status };
    }
  }
  if (status === 'completed' || status === undefined) {
    return { unified: hasFunctionCalls ? 'tool-calls' : 'stop', raw: status };
  }
  return { unified: 'other', raw: status };
}

/** How a canonical finish reason ends a Responses answer. */
export interface OpenAiResponsesEnding {
  readonly status: 'completed' | 'incomplete';
  readonly incompleteDetails: { readonly reason: 'max_output_tokens' | 'content_filter' } | null;
}

/**
 * The Responses `status` and `incomplete_details` for a canonical finish reason: `length` and
 * `content-filter` make the answer `incomplete` with the matching reason; everything else is
 * `completed` (the Responses API has no finish reason for stops, tool calls or errors). Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
 */
export function encodeOpenAiResponsesEnding(
  reason: FinishReason | undefined,
): OpenAiResponsesEnding {
  switch (reason?.unified) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content-filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    default:
      return { status: 'completed', incompleteDetails: null };
  }
}
