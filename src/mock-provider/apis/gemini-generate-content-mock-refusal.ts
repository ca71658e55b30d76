import type { JsonObject } from '../../lib/json.ts';
import type { MockCompletionIdentity, MockRefusalAnswer, MockRoute } from '../mock-dialect.ts';
import type { MockRefusal } from '../mock-directives.ts';
import type { MockRequest } from '../mock-request.ts';

/** The input limit the mock claims for Gemini models when it refuses a prompt as too long. */
const mockInputTokenLimit = 1_048_576;

/**
 * The ratings Gemini attaches to a blocked prompt: every harm category, one of them high.
 * @see https://ai.google.dev/api/generate-content#v1beta.SafetyRating
 */
const blockedPromptRatings: readonly JsonObject[] = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' },
];

/**
 * How Gemini (AI Studio and Vertex AI) refuses a request. A prompt over the model's input limit
 * is a 400 `INVALID_ARGUMENT` ("The input token count (N) exceeds the maximum number of tokens
 * allowed (M)."). A prompt blocked on safety grounds is not an error: the answer is a 200 with no
 * candidates and `promptFeedback.blockReason` (`SAFETY`), streamed as one chunk when the request
 * streams. Pure.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://ai.google.dev/api/generate-content#PromptFeedback
 */
export function encodeGeminiMockRefusal(
  refusal: MockRefusal,
  request: MockRequest,
  route: MockRoute,
  identity: MockCompletionIdentity,
): MockRefusalAnswer {
  if (refusal === 'context-length') {
    return {
      status: 400,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({
        error: {
          code: 400,
          message: `The input token count (${String(mockInputTokenLimit + request.promptTokens)}) exceeds the maximum number of tokens allowed (${String(mockInputTokenLimit)}).`,
          status: 'INVALID_ARGUMENT',
        },
      }),
    };
  }
  const vertex = route.variant === 'vertex';
  const blocked = JSON.stringify({
    promptFeedback: { blockReason: 'SAFETY', safetyRatings: blockedPromptRatings },
    usageMetadata: {
      promptTokenCount: request.promptTokens,
      totalTokenCount: request.promptTokens,
      ...(vertex ? { trafficType: 'ON_DEMAND' } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: request.promptTokens }],
    },
    modelVersion: identity.model,
    ...(vertex ? { createTime: new Date(identity.created * 1000).toISOString() } : {}),
    responseId: identity.id,
  });
  return request.stream
    ? {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: `data: ${blocked}\r\n\r\n`,
      }
    : {
        status: 200,
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: blocked,
      };
}
