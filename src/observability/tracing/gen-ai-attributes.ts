/**
 * The span attribute names Signalbox writes, in one place: the OpenTelemetry GenAI semantic
 * conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/), the stable HTTP and error
 * conventions, and Signalbox's own `signalbox.*` attributes. The GenAI names are spelled out
 * here because `@opentelemetry/semantic-conventions` 1.45 deprecates its copies (they moved to
 * the semantic-conventions-genai repository, which publishes no JavaScript package yet).
 */

/** `chat`, `embeddings`, or `count_tokens` (Signalbox's name for token counting). */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** The provider, in the conventions' names (`openai`, `aws.bedrock`, `gcp.vertex_ai`, ...). */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';

export {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';

/** The gateway's request id (`x-signalbox-request-id`). */
export const ATTR_SIGNALBOX_REQUEST_ID = 'signalbox.request_id';
/** The deployment that served the request, or that the attempt went to. */
export const ATTR_SIGNALBOX_DEPLOYMENT = 'signalbox.deployment';
/** Why the router chose as it did (`x-signalbox-route`). */
export const ATTR_SIGNALBOX_ROUTE_REASON = 'signalbox.route_reason';
/** The request's cost at list price, in US dollars. */
export const ATTR_SIGNALBOX_COST_USD = 'signalbox.cost_usd';
/** How the response cache took part: `hit`, `semantic-hit`, `miss`, `bypass`, ... */
export const ATTR_SIGNALBOX_CACHE = 'signalbox.cache';
/** The attempt's position in the request's attempt list, from 1. */
export const ATTR_SIGNALBOX_ATTEMPT = 'signalbox.attempt';
/** 0 for the first try on a deployment, then 1, 2, ... for its retries. */
export const ATTR_SIGNALBOX_RETRY = 'signalbox.retry';
/** How the request ended: `completed`, `rejected`, `upstream-error`, `client-closed`. */
export const ATTR_SIGNALBOX_OUTCOME = 'signalbox.outcome';
