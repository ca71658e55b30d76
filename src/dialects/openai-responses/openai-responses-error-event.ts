import type { GatewayError } from '../../errors/gateway-error.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';

/**
 * A gateway error as a Responses `error` stream event. It carries the documented fields
 * (`code`, `message`, `param`, `sequence_number`) and, as OpenAI's own streams do, the same facts
 * in a nested `error` object, which makes the official SDKs raise an `APIError` instead of handing
 * the event on. Only the error's public message is used. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
export function encodeOpenAiResponsesErrorEvent(
  error: GatewayError,
  sequenceNumber: number,
): string {
  const param = error.param ?? null;
  return encodeSseEvent(
    JSON.stringify({
      type: 'error',
      sequence_number: sequenceNumber,
      code: error.code,
      message: error.publicMessage,
      param,
      error: { type: error.definition.type, code: error.code, message: error.publicMessage, param },
    }),
    'error',
  );
}
