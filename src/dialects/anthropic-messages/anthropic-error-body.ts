import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { classifyRefusalMessage } from '../classify-refusal-message.ts';
import type { UpstreamErrorFacts } from '../dialect-codec.ts';

/** The error body Anthropic's API and SDKs use. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: {
    readonly type: string;
    readonly message: string;
    readonly details: { readonly error_code: string };
  };
}

/**
 * Anthropic's error `type` for an HTTP status; the SDKs pick their exception class from the
 * status, and clients branch on the type.
 * @see https://docs.anthropic.com/en/api/errors
 */
function anthropicErrorType(error: GatewayError): string {
  switch (error.status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return error.status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/**
 * A gateway error as an Anthropic error body. Only the public message is used; the gateway's
 * code goes in `details.error_code`, which the Anthropic SDKs expose as `errorCode`. Upstream
 * bodies, secrets and internal details never reach the client.
 * @see https://docs.anthropic.com/en/api/errors#error-shapes
 */
export function encodeAnthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  return {
    type: 'error',
    error: {
      type: anthropicErrorType(error),
      message: error.publicMessage,
      details: { error_code: error.code },
    },
  };
}

const safeToken = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads the error `type` of an Anthropic error body (`overloaded_error`, `rate_limit_error`),
 * kept only when it is a short identifier, and whether the message says the prompt does not fit
 * the context window ("prompt is too long: 208310 tokens > 200000 maximum", "input length and
 * `max_tokens` exceed context limit: ...") or was blocked by the content filter ("Output blocked
 * by content filtering policy"). The message is read where each hosting puts it: `error.message`
 * (Anthropic, and Google's error shape on Vertex AI) or a top-level `message` (Bedrock
 * InvokeModel: "Input is too long for requested model."). The free-text message is never
 * returned. Pure.
 * @see https://docs.anthropic.com/en/api/errors
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors
 */
export function readAnthropicErrorFacts(bodyText: string): UpstreamErrorFacts {
  const parsed = safeParseJson(bodyText);
  const body = parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
  const error = isJsonObject(body.error) ? body.error : undefined;
  const refusal = classifyRefusalMessage(error === undefined ? body.message : error.message);
  const withRefusal = refusal === undefined ? {} : { refusal };
  if (error === undefined || typeof error.type !== 'string' || !safeToken.test(error.type)) {
    return { code: undefined, param: undefined, ...withRefusal };
  }
  return { code: error.type, param: undefined, ...withRefusal };
}
