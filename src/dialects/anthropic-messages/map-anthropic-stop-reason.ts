import type { FinishReason, UnifiedFinishReason } from '../../canonical/finish-reason.ts';
import { isJsonObject } from '../../lib/json.ts';

/**
 * Anthropic's `stop_reason` as a canonical finish reason.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function decodeAnthropicStopReason(raw: unknown): FinishReason {
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
    case 'refusal':
      return { unified: 'content-filter', raw };
    default:
      return { unified: 'other', raw };
  }
}

const toAnthropic: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

const anthropicValues: ReadonlySet<string> = new Set([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

/** The Anthropic `stop_reason` for a canonical one; an Anthropic raw value is kept as it was. */
export function encodeAnthropicStopReason(reason: FinishReason): string {
  if (reason.raw !== undefined && anthropicValues.has(reason.raw)) {
    return reason.raw;
  }
  return toAnthropic[reason.unified];
}

/**
 * The explanation Anthropic gives in `stop_details` when it stops with `refusal`, if any.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons#refusal
 */
export function refusalExplanation(stopDetails: unknown): string | undefined {
  return isJsonObject(stopDetails) && typeof stopDetails.explanation === 'string'
    ? stopDetails.explanation
    : undefined;
}
