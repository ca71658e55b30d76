import { isJsonObject, safeParseJson } from '../../lib/json.ts';
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

/**
 * Safe facts from a Bedrock error. Bedrock Runtime answers `{"message": "..."}` and names the
 * error type in the `x-amzn-ErrorType` header (`ValidationException:http://...`), which becomes
 * the code; failing that, a `__type` (AWS JSON protocol, also inside an `Output` envelope) or
 * `code` field, when a plain identifier (without its namespace). The message is
 * never returned; there is no parameter field. Pure; never throws.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * @see https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization
 */
export function readBedrockConverseErrorFacts(
  bodyText: string,
  headers: UpstreamErrorHeaders = {},
): UpstreamErrorFacts {
  const header = headers['x-amzn-errortype'];
  const fromHeader = errorTypeName(Array.isArray(header) ? header[0] : header);
  if (fromHeader !== undefined) {
    return { code: fromHeader, param: undefined };
  }
  const parsed = safeParseJson(bodyText);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return { code: undefined, param: undefined };
  }
  const body = parsed.value;
  // An unknown operation is answered in the older AWS JSON envelope: {"Output": {"__type": ...}}.
  const output = isJsonObject(body.Output) ? body.Output : {};
  return {
    code: errorTypeName(body.__type) ?? errorTypeName(output.__type) ?? errorTypeName(body.code),
    param: undefined,
  };
}
