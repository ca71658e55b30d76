import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { classifyRefusalMessage } from '../classify-refusal-message.ts';
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
 * OpenAI-style error codes (and llama.cpp's `type`) that say the input does not fit the model's
 * context window. https://platform.openai.com/docs/guides/error-codes ;
 * https://github.com/ggml-org/llama.cpp/pull/16486
 */
const contextLengthCodes: ReadonlySet<string> = new Set([
  'context_length_exceeded',
  'exceed_context_size_error',
]);

/**
 * Codes that say the content was refused by the provider's safety system: OpenAI's
 * `content_policy_violation`, Azure OpenAI's `content_filter` (with or without its
 * `innererror`; bodies without one are seen too, e.g. openai/openai-python#331).
 * https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter
 */
const contentPolicyCodes: ReadonlySet<string> = new Set([
  'content_policy_violation',
  'content_filter',
]);

/**
 * Codes whose meaning rules out reading the message for a refusal: rate limits (Groq answers a
 * request over its tokens-per-minute budget with 413 `rate_limit_exceeded`) and
 * `string_above_max_length`, OpenAI's per-field character cap (`prompt_cache_key` over 64
 * characters, a message content over its byte cap). That cap is the same on every model, so a
 * larger-window model would refuse the request too: it is not a context-length refusal, even
 * when the field is part of the prompt.
 */
const notRefusalCodes: ReadonlySet<string> = new Set([
  'rate_limit_exceeded',
  'insufficient_quota',
  'string_above_max_length',
]);

/** The refusal an OpenAI-style error states by its codes, else by its message. */
function readRefusal(
  codes: readonly unknown[],
  messages: readonly unknown[],
): UpstreamErrorFacts['refusal'] {
  const names = codes.filter((code): code is string => typeof code === 'string');
  if (names.some((name) => notRefusalCodes.has(name))) {
    return undefined;
  }
  if (names.some((name) => contextLengthCodes.has(name))) {
    return 'context-length';
  }
  if (
    names.some((name) => contentPolicyCodes.has(name) || name === 'ResponsibleAIPolicyViolation')
  ) {
    return 'content-policy';
  }
  for (const message of messages) {
    const refusal = classifyRefusalMessage(message);
    if (refusal !== undefined) {
      return refusal;
    }
  }
  return undefined;
}

/**
 * Reads the `code` (or `type`) and `param` of an OpenAI-style error body, keeping them only if
 * they are short identifiers, and whether it is a context-length or content-policy refusal (from
 * the codes, else from the message). Besides OpenAI's `{"error": {...}}` it reads the shapes
 * OpenAI-compatible servers send: `error` as a plain string (xAI, Ollama), the error at the top
 * level (older vLLM: `{"object": "error", "message": ...}`), OpenRouter's upstream body in
 * `error.metadata.raw`, and `detail` (DeepSeek). Free text (the upstream `message`) is never
 * returned. Pure.
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://openrouter.ai/docs/api-reference/errors
 */
export function readOpenAiErrorFacts(bodyText: string): UpstreamErrorFacts {
  const parsed = safeParseJson(bodyText);
  const body = parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
  if (body === undefined) {
    return { code: undefined, param: undefined };
  }
  const error = body.error;
  if (!isJsonObject(error)) {
    const message = typeof error === 'string' ? error : (body.message ?? body.detail);
    const refusal = readRefusal([body.code, body.type], [message]);
    return { code: undefined, param: undefined, ...(refusal === undefined ? {} : { refusal }) };
  }
  const pick = (value: unknown): string | undefined =>
    typeof value === 'string' && safeToken.test(value) ? value : undefined;
  const inner = isJsonObject(error.innererror) ? error.innererror : {};
  const metadata = isJsonObject(error.metadata) ? error.metadata : {};
  const refusal = readRefusal([error.code, error.type, inner.code], [error.message, metadata.raw]);
  return {
    code: pick(error.code) ?? pick(error.type),
    param: pick(error.param),
    ...(refusal === undefined ? {} : { refusal }),
  };
}
