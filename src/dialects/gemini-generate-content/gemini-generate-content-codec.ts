import type { DialectCodec } from '../dialect-codec.ts';
import { decodeGeminiResponse } from './decode-gemini-generate-content-response.ts';
import { encodeGeminiRequest } from './encode-gemini-generate-content-request.ts';
import { readGeminiErrorFacts } from './gemini-generate-content-error-body.ts';
import { GeminiStreamDecoder } from './gemini-generate-content-stream-decoder.ts';
import { unsupportedGeminiParameters } from './unsupported-gemini-generate-content-parameters.ts';

/**
 * The Google Gemini `generateContent` / `streamGenerateContent` dialect, as served by the Gemini
 * API (AI Studio, `generativelanguage.googleapis.com`) and by Vertex AI. Egress only: clients do
 * not speak it to the gateway, so there is no ingress and no pass-through. Streams are SSE
 * (`?alt=sse`, which the endpoint style adds).
 * @see https://ai.google.dev/api/generate-content
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference
 */
export const geminiGenerateContentCodec: DialectCodec = {
  id: 'gemini-generate-content',
  ingress: undefined,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedGeminiParameters,
    encodeRequest: encodeGeminiRequest,
    decodeResponse: decodeGeminiResponse,
    createStreamDecoder: () => new GeminiStreamDecoder(),
  },
  passThrough: undefined,
  readErrorFacts: readGeminiErrorFacts,
};
