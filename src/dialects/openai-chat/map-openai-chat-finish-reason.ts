import type { FinishReason, UnifiedFinishReason } from '../../canonical/finish-reason.ts';

/**
 * OpenAI's `finish_reason` as a canonical finish reason. Also reads the values Mistral adds to
 * the same field: `model_length` (the context window was reached, a length stop) and `error`
 * (generation failed). Other values are `other`, with the raw value kept.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 * @see https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
 */
export function decodeOpenAiFinishReason(raw: string | null | undefined): FinishReason {
  const value = raw ?? undefined;
  switch (value) {
    case 'stop':
      return { unified: 'stop', raw: value };
    case 'length':
    case 'model_length':
      return { unified: 'length', raw: value };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw: value };
    case 'content_filter':
      return { unified: 'content-filter', raw: value };
    case 'error':
      return { unified: 'error', raw: value };
    case undefined:
      return { unified: 'other', raw: undefined };
    default:
      return { unified: 'other', raw: value };
  }
}

const toOpenAi: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/** The OpenAI `finish_reason` for a canonical one (values OpenAI lacks become `stop`). */
export function encodeOpenAiFinishReason(reason: FinishReason): string {
  return toOpenAi[reason.unified];
}
