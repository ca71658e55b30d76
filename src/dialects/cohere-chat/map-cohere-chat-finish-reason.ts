import type { FinishReason } from '../../canonical/finish-reason.ts';

/**
 * Cohere's `finish_reason` as a canonical finish reason. `TIMEOUT` (the generation ran out of
 * time, the text so far is kept) becomes `other`: it is neither a token limit nor a failure of the
 * request. Unknown values keep their raw text. Pure.
 * @see https://docs.cohere.com/reference/chat#response.body.finish_reason
 */
export function decodeCohereChatFinishReason(raw: unknown): FinishReason {
  if (typeof raw !== 'string') {
    return { unified: 'other', raw: undefined };
  }
  switch (raw) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
      return { unified: 'stop', raw };
    case 'MAX_TOKENS':
      return { unified: 'length', raw };
    case 'TOOL_CALL':
      return { unified: 'tool-calls', raw };
    case 'ERROR':
      return { unified: 'error', raw };
    default:
      return { unified: 'other', raw };
  }
}
