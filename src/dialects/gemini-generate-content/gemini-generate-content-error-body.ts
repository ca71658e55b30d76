import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { classifyRefusalMessage } from '../classify-refusal-message.ts';
import type { UpstreamErrorFacts } from '../dialect-codec.ts';

/** A google.rpc status name: `RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`. */
const statusName = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The `error` object of a Google API error body. The array-streaming endpoint (without
 * `alt=sse`) wraps it in a one-element array, so that shape is accepted too.
 */
function errorObject(bodyText: string): JsonObject | undefined {
  const parsed = safeParseJson(bodyText);
  if (!parsed.ok) {
    return undefined;
  }
  const root: unknown = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  return isJsonObject(root) && isJsonObject(root.error) ? root.error : undefined;
}

/** `google.rpc.ErrorInfo` reasons that mean the API key itself was refused. */
const credentialReasons: ReadonlySet<string> = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
]);

/**
 * Whether an error's `ErrorInfo` detail says the API key was refused: Google answers a bad key
 * with 400 `INVALID_ARGUMENT`, which would otherwise read as the client's mistake.
 * @see https://cloud.google.com/apis/design/errors#error_info
 */
function rejectsCredential(error: JsonObject | undefined): boolean {
  const details = error?.details;
  return (
    Array.isArray(details) &&
    details.some(
      (detail) =>
        isJsonObject(detail) &&
        detail['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo' &&
        typeof detail.reason === 'string' &&
        credentialReasons.has(detail.reason),
    )
  );
}

/**
 * Reads a Gemini (AI Studio or Vertex AI) error body, `{"error": {"code", "message", "status",
 * "details"}}`: the code is `status` when it is a plain google.rpc status name. A 400
 * `INVALID_ARGUMENT` whose message says "The input token count (N) exceeds the maximum number of
 * tokens allowed (M)" is a context-length refusal. A prompt refused on safety grounds is not an
 * error at all (200 with `promptFeedback.blockReason`), so none is read here. The free-text
 * `message` and the `details` are never returned; `param` is always undefined because Gemini's
 * field paths name Gemini's body, not the client's. Pure.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#http_mapping
 */
export function readGeminiErrorFacts(bodyText: string): UpstreamErrorFacts {
  const error = errorObject(bodyText);
  const status = error?.status;
  const credentialRejected = rejectsCredential(error);
  const retryAfterSeconds = readGeminiRetryDelaySeconds(bodyText);
  const refusal =
    status === undefined || status === 'INVALID_ARGUMENT'
      ? classifyRefusalMessage(error?.message)
      : undefined;
  return {
    code: typeof status === 'string' && statusName.test(status) ? status : undefined,
    param: undefined,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(credentialRejected ? { credentialRejected } : {}),
    ...(refusal === 'context-length' ? { refusal } : {}),
  };
}

/**
 * Seconds to wait before retrying, from the `google.rpc.RetryInfo` detail of a 429 body
 * (`"retryDelay": "34.4s"`), rounded up; undefined when the body has none. Google sends no
 * `Retry-After` header with these, so this is the only hint. Pure.
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export function readGeminiRetryDelaySeconds(bodyText: string): number | undefined {
  const details = errorObject(bodyText)?.details;
  if (!Array.isArray(details)) {
    return undefined;
  }
  for (const detail of details) {
    if (
      isJsonObject(detail) &&
      detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo' &&
      typeof detail.retryDelay === 'string'
    ) {
      const match = /^(\d{1,9}(?:\.\d{1,9})?)s$/.exec(detail.retryDelay);
      return match === null ? undefined : Math.ceil(Number(match[1]));
    }
  }
  return undefined;
}
