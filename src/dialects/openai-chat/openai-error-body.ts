import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type { UpstreamErrorFacts } from '../dialect-codec.ts';

/** The error body OpenAI's API and SDKs use. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string;
  };
}

/**
 * Encodes a gateway error as an OpenAI error body. Only the public message is used, so upstream
 * bodies, secrets and internal details never reach the client.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAiErrorBody(error: GatewayError): OpenAiErrorBody {
  return {
    error: {
      message: error.publicMessage,
      type: error.definition.type,
      param: error.param ?? null,
      code: error.code,
    },
  };
}

const safeToken = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads the `code` (or `type`) and `param` of an OpenAI-style error body, keeping them only if
 * they are short identifiers. Free text (the upstream `message`) is never returned. Pure.
 */
export function readOpenAiErrorFacts(bodyText: string): UpstreamErrorFacts {
  const parsed = safeParseJson(bodyText);
  const error = parsed.ok && isJsonObject(parsed.value) ? parsed.value.error : undefined;
  if (!isJsonObject(error)) {
    return { code: undefined, param: undefined };
  }
  const pick = (value: unknown): string | undefined =>
    typeof value === 'string' && safeToken.test(value) ? value : undefined;
  return { code: pick(error.code) ?? pick(error.type), param: pick(error.param) };
}
