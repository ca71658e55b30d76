import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { classifyRefusalMessage } from '../classify-refusal-message.ts';
import type { UpstreamErrorFacts, UpstreamErrorHeaders } from '../dialect-codec.ts';

const identifier = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The short name of an AWS error type (`com.amazon.coral.validate#ValidationException`). */
function errorTypeName(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const name = value.slice(value.lastIndexOf('#') + 1).split(':')[0] ?? '';
  return identifier.test(name) ? name : undefined;
}

/** The refusal a Bedrock error states in its message; only validation errors are read. */
function readRefusal(code: string | undefined, body: JsonObject): UpstreamErrorFacts['refusal'] {
  if (code !== undefined && code !== 'ValidationException') {
    return undefined;
  }
  const refusal = classifyRefusalMessage(body.message ?? body.Message);
  // A guardrail that intervenes answers 200 with stopReason `guardrail_intervened`; Bedrock has
  // no content-policy error, so only context-length is taken from the message.
  return refusal === 'context-length' ? refusal : undefined;
}

/**
 * Safe facts from a Bedrock error. Bedrock Runtime answers `{"message": "..."}` and names the
 * error type in the `x-amzn-ErrorType` header (`ValidationException:http://...`), which becomes
 * the code; failing that, a `__type` (AWS JSON protocol, also inside an `Output` envelope) or
 * `code` field, when a plain identifier (without its namespace). A `ValidationException` whose
 * message says the input does not fit the model ("Input is too long for requested model.",
 * "The model returned the following errors: prompt is too long: ...", Nova's "Input Tokens
 * Exceeded") is a context-length refusal. The message is never returned; there is no parameter
 * field. Pure; never throws.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * @see https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization
 * @see https://repost.aws/knowledge-center/bedrock-validation-exception-errors
 */
export function readBedrockConverseErrorFacts(
  bodyText: string,
  headers: UpstreamErrorHeaders = {},
): UpstreamErrorFacts {
  const header = headers['x-amzn-errortype'];
  const fromHeader = errorTypeName(Array.isArray(header) ? header[0] : header);
  const parsed = safeParseJson(bodyText);
  const body = parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
  if (body === undefined) {
    return { code: fromHeader, param: undefined };
  }
  // An unknown operation is answered in the older AWS JSON envelope: {"Output": {"__type": ...}}.
  const output = isJsonObject(body.Output) ? body.Output : {};
  const code =
    fromHeader ??
    errorTypeName(body.__type) ??
    errorTypeName(output.__type) ??
    errorTypeName(body.code);
  const refusal = readRefusal(code, body);
  return { code, param: undefined, ...(refusal === undefined ? {} : { refusal }) };
}
