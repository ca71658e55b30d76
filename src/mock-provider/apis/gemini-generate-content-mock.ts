import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { MockChatReply, MockToolCall } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity, MockDialect, MockRoute } from '../mock-dialect.ts';
import type { MockRequest, MockRequestError, MockToolChoice } from '../mock-request.ts';
import { splitIntoTokens } from '../mock-text.ts';
import { encodeGeminiMockRefusal } from './gemini-generate-content-mock-refusal.ts';

/** AI Studio (Gemini API): `/v1beta/models/{model}:generateContent` (also `v1`, `v1alpha`). */
const studioPath =
  /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
/** Vertex AI: `/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:…`. */
const vertexPath =
  /^\/(?:v1|v1beta1)\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** A signature the mock puts on the first function call of a step, as Gemini 3 does. */
const mockThoughtSignature = Buffer.from('signalbox-mock-thought-signature').toString('base64');

/** What the Gemini wire needs beyond the shared request: which hosting, and streamed arguments. */
interface GeminiMockRequest extends MockRequest {
  readonly vertex: boolean;
  /** Vertex AI `toolConfig.functionCallingConfig.streamFunctionCallArguments`. */
  readonly streamArguments: boolean;
}

function geminiFlags(request: MockRequest): { vertex: boolean; streamArguments: boolean } {
  const flags: Partial<GeminiMockRequest> = request;
  return { vertex: flags.vertex === true, streamArguments: flags.streamArguments === true };
}

function partsText(parts: unknown): string {
  return (Array.isArray(parts) ? parts : [])
    .map((part) => (isJsonObject(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

function contentParts(content: unknown): unknown[] {
  return isJsonObject(content) && Array.isArray(content.parts) ? content.parts : [];
}

function toolChoice(config: unknown): MockToolChoice {
  const calling = isJsonObject(config) ? config : {};
  if (calling.mode === 'NONE') return 'none';
  if (calling.mode !== 'ANY') return 'auto';
  const names = Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames : [];
  return names.length === 1 && typeof names[0] === 'string' ? { name: names[0] } : 'required';
}

function positiveInteger(value: unknown, maximum: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? Math.min(value, maximum)
    : undefined;
}

/**
 * Reads a Gemini `generateContent` body as the mock needs it, refusing (like the real API) a body
 * without `contents`. The last user text skips turns that only carry function responses.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function parseGeminiMockRequest(
  body: JsonObject,
  route: MockRoute,
): GeminiMockRequest | MockRequestError {
  const contents: readonly unknown[] = Array.isArray(body.contents) ? body.contents : [];
  if (contents.length === 0) {
    return {
      status: 400,
      code: 'invalid_argument',
      message: '* GenerateContentRequest.contents: contents is not specified',
      param: 'contents',
    };
  }
  let lastUserText = '';
  let promptTokens = splitIntoTokens(partsText(contentParts(body.systemInstruction))).length;
  for (const content of contents) {
    const text = partsText(contentParts(content));
    promptTokens += 4 + splitIntoTokens(text).length;
    if (isJsonObject(content) && content.role !== 'model' && text !== '') {
      lastUserText = text;
    }
  }
  const last = contentParts(contents[contents.length - 1]);
  const tools: unknown[] = Array.isArray(body.tools) ? body.tools : [];
  const declarations = tools.flatMap((tool): unknown[] =>
    isJsonObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [],
  );
  const toolConfig = isJsonObject(body.toolConfig) ? body.toolConfig : {};
  const calling = isJsonObject(toolConfig.functionCallingConfig)
    ? toolConfig.functionCallingConfig
    : {};
  const config = isJsonObject(body.generationConfig) ? body.generationConfig : {};
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return {
    model: route.model ?? '',
    stream: route.stream === true,
    lastUserText,
    lastMessageIsToolResult: last.some(
      (part) => isJsonObject(part) && part.functionResponse !== undefined,
    ),
    promptTokens,
    tools: declarations
      .filter(isJsonObject)
      .flatMap(({ name, parametersJsonSchema, parameters }) =>
        typeof name === 'string' ? [{ name, parameters: parametersJsonSchema ?? parameters }] : [],
      ),
    toolChoice: toolChoice(calling),
    parallelToolCalls: true,
    maxOutputTokens: positiveInteger(config.maxOutputTokens, Number.MAX_SAFE_INTEGER),
    responseFormat:
      config.responseMimeType !== 'application/json'
        ? undefined
        : schema === undefined
          ? { type: 'json-object' }
          : { type: 'json-schema', schema },
    choices: positiveInteger(config.candidateCount, 8) ?? 1,
    includeUsage: true,
    vertex: route.variant === 'vertex',
    streamArguments: route.variant === 'vertex' && calling.streamFunctionCallArguments === true,
  };
}

const finishReasons = { stop: 'STOP', length: 'MAX_TOKENS', 'tool-calls': 'STOP' } as const;

function callArgs(call: MockToolCall): JsonObject {
  const parsed = safeParseJson(call.arguments);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
}

function functionCallPart(call: MockToolCall, index: number): JsonObject {
  return {
    functionCall: { name: call.name, args: callArgs(call) },
    ...(index === 0 ? { thoughtSignature: mockThoughtSignature } : {}),
  };
}

/**
 * `usageMetadata` as Gemini reports it (zero counts omitted, as proto3 JSON does); Vertex AI adds
 * `trafficType` and per-modality output details.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
function usageMetadata(promptTokens: number, outputTokens: number, vertex: boolean): JsonObject {
  return {
    promptTokenCount: promptTokens,
    ...(outputTokens > 0 ? { candidatesTokenCount: outputTokens } : {}),
    totalTokenCount: promptTokens + outputTokens,
    ...(vertex ? { trafficType: 'ON_DEMAND' } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    ...(vertex && outputTokens > 0
      ? { candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: outputTokens }] }
      : {}),
  };
}

/** One `GenerateContentResponse` with the same parts in every candidate. */
function responseObject(
  identity: MockCompletionIdentity,
  vertex: boolean,
  parts: readonly JsonObject[],
  finishReason: string | undefined,
  usage: JsonObject,
): JsonObject {
  return {
    // Vertex AI leaves out `index` when it is 0.
    candidates: Array.from({ length: identity.choices }, (_, index) => ({
      content: { parts, role: 'model' },
      ...(finishReason === undefined ? {} : { finishReason }),
      ...(vertex && index === 0 ? {} : { index }),
    })),
    usageMetadata: usage,
    modelVersion: identity.model,
    ...(vertex ? { createTime: new Date(identity.created * 1000).toISOString() } : {}),
    responseId: identity.id,
  };
}

/**
 * The non-streamed `GenerateContentResponse`, shaped like Gemini's.
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */
function encodeGeminiMockResponse(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
  request: MockRequest,
): string {
  const { vertex } = geminiFlags(request);
  const parts =
    reply.toolCalls.length > 0
      ? reply.toolCalls.map(functionCallPart)
      : [{ text: reply.tokens.join('') }];
  const usage = usageMetadata(
    reply.promptTokens,
    reply.completionTokens * identity.choices,
    vertex,
  );
  return JSON.stringify(
    responseObject(identity, vertex, parts, finishReasons[reply.finishReason], usage),
  );
}

/** The leaves of an arguments object as Vertex AI `partialArgs`, strings in small pieces. */
function partialArgs(value: unknown, path: string): JsonObject[] | undefined {
  if (typeof value === 'string') {
    const pieces = value.match(/[\s\S]{1,8}/g) ?? [];
    return [
      ...pieces.map((piece) => ({ jsonPath: path, stringValue: piece, willContinue: true })),
      { jsonPath: path, stringValue: '' },
    ];
  }
  if (typeof value === 'number') return [{ jsonPath: path, numberValue: value }];
  if (typeof value === 'boolean') return [{ jsonPath: path, boolValue: value }];
  if (value === null) return [{ jsonPath: path, nullValue: 'NULL_VALUE' }];
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [`${path}[${index}]`, item])
    : Object.entries(isJsonObject(value) ? value : {}).map(([key, item]) => [
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
        item,
      ]);
  // An empty object or array has no leaf to stream: such calls are sent whole.
  if (entries.length === 0) return path === '$' ? [] : undefined;
  const leaves = entries.map(([leafPath, item]) => partialArgs(item, leafPath));
  return leaves.every((leaf) => leaf !== undefined) ? leaves.flat() : undefined;
}

/** The parts of each stream chunk of a tool-call answer, Vertex AI streamed-arguments style. */
function streamedCallChunks(calls: readonly MockToolCall[]): JsonObject[][] {
  return calls.flatMap((call, index) => {
    const fragments = partialArgs(callArgs(call), '$');
    if (fragments === undefined) {
      return [[functionCallPart(call, index)]];
    }
    const start = {
      functionCall: { name: call.name, willContinue: true },
      ...(index === 0 ? { thoughtSignature: mockThoughtSignature } : {}),
    };
    return [
      [start],
      ...fragments.map((fragment) => [
        { functionCall: { partialArgs: [fragment], willContinue: true } },
      ]),
      [{ functionCall: {} }],
    ];
  });
}

/**
 * A streamed answer as `data: <chunk>` SSE events with CRLF line ends, as Google sends them: text
 * one token per chunk with the finish reason on the last; tool calls whole in one chunk then an
 * empty text chunk with the finish reason (AI Studio), or, on Vertex AI when the request asks for
 * streamed arguments, as `partialArgs` fragments closed by an empty `functionCall`. Every chunk
 * repeats the usage so far (Vertex AI: only `trafficType` until the last). No end marker.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
function encodeGeminiMockChunks(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
  request: MockRequest,
): string[] {
  const { vertex, streamArguments } = geminiFlags(request);
  const finishReason = finishReasons[reply.finishReason];
  let steps: JsonObject[][];
  if (reply.toolCalls.length === 0) {
    steps =
      reply.tokens.length > 0 ? reply.tokens.map((token) => [{ text: token }]) : [[{ text: '' }]];
  } else if (streamArguments) {
    steps = streamedCallChunks(reply.toolCalls);
  } else {
    steps = [reply.toolCalls.map(functionCallPart), [{ text: '' }]];
  }
  return steps.map((parts, step) => {
    const last = step === steps.length - 1;
    const output = reply.toolCalls.length === 0 && !last ? step + 1 : reply.completionTokens;
    const usage =
      vertex && !last
        ? { trafficType: 'ON_DEMAND' }
        : usageMetadata(reply.promptTokens, output * identity.choices, vertex);
    return JSON.stringify(
      responseObject(identity, vertex, parts, last ? finishReason : undefined, usage),
    );
  });
}

/**
 * google.rpc status names for HTTP statuses, as Google's APIs pair them (413 and 529 are not
 * Google's own: an oversized body is an invalid argument, 529 an overload).
 * @see https://cloud.google.com/apis/design/errors#handling_errors
 */
const statusNames: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

function statusName(status: number): string {
  return statusNames[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/** `details` Google attaches: field violations for a 400, quota for a 429, a reason for auth. */
function errorDetails(error: MockRequestError, status: string): JsonObject[] {
  if (status === 'INVALID_ARGUMENT' && error.param !== undefined) {
    return [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: error.param, description: error.message }],
      },
    ];
  }
  if (status === 'RESOURCE_EXHAUSTED') {
    return [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }],
      },
    ];
  }
  if (status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED') {
    return [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: error.code === 'invalid_api_key' ? 'API_KEY_INVALID' : error.code.toUpperCase(),
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ];
  }
  return [];
}

/**
 * The mock speaking Google's Gemini API: `generateContent` and `streamGenerateContent` on AI
 * Studio (`/v1beta/models/{model}:…`) and on Vertex AI
 * (`/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:…`). The method
 * suffix selects streaming; the gateway adds `?alt=sse`, which the server strips before routing.
 */
export const geminiGenerateContentMockDialect: MockDialect = {
  name: 'gemini-generate-content',
  route(method, path) {
    if (method !== 'POST') return undefined;
    const studio = studioPath.exec(path);
    const vertex = studio === null ? vertexPath.exec(path) : null;
    const match = studio ?? vertex;
    if (match === null) return undefined;
    return {
      model: decodeURIComponent(match[1] ?? ''),
      stream: match[2] === 'streamGenerateContent',
      ...(vertex === null ? {} : { variant: 'vertex' }),
    };
  },
  parseRequest: parseGeminiMockRequest,
  encodeResponse: encodeGeminiMockResponse,
  encodeStream(identity, reply, request) {
    const frames = encodeGeminiMockChunks(identity, reply, request).map(
      (chunk) => `data: ${chunk}\r\n\r\n`,
    );
    return {
      contentType: 'text/event-stream',
      frames,
      terminalFrames: 0,
      truncateAt: frames.length - 1,
      malformedFrame: 'data: {"candidates": [\r\n\r\n',
      errorFrame:
        'data: {"error":{"code":500,"message":"Upstream secret detail","status":"INTERNAL"}}\r\n\r\n',
      sse: true,
    };
  },
  encodeError(error) {
    const status = statusName(error.status);
    const details = errorDetails(error, status);
    return {
      body: JSON.stringify({
        error: {
          code: error.status,
          message: error.message,
          status,
          ...(details.length > 0 ? { details } : {}),
        },
      }),
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    };
  },
  encodeRefusal: encodeGeminiMockRefusal,
};
