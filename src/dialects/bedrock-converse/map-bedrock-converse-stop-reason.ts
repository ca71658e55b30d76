import type { FinishReason } from '../../canonical/finish-reason.ts';

/**
 * A Converse `stopReason` as a canonical finish reason. Unknown values keep their raw text and
 * map to `other`; a missing value is `other` with no raw text. Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html
 */
export function decodeBedrockConverseStopReason(raw: unknown): FinishReason {
  if (typeof raw !== 'string') {
    return { unified: 'other', raw: undefined };
  }
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw };
    case 'tool_use':
      return { unified: 'tool-calls', raw };
    case 'guardrail_intervened':
    case 'content_filtered':
      return { unified: 'content-filter', raw };
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return { unified: 'error', raw };
    default:
      return { unified: 'other', raw };
  }
}
