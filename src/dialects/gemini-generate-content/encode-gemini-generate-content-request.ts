import type {
  ChatRequest,
  ReasoningEffort,
  ReasoningSettings,
  ToolChoice,
} from '../../canonical/chat-request.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { encodeGeminiContents } from './encode-gemini-generate-content-contents.ts';
import { toGeminiJsonSchema } from './gemini-generate-content-json-schema.ts';

/**
 * Thinking budgets for effort levels. low, medium and high are the budgets Google's own
 * OpenAI-compatible endpoint uses for `reasoning_effort`; minimal is the smallest budget every
 * Gemini 2.5 model accepts (Flash-Lite's minimum).
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 */
export const geminiThinkingBudgets: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/**
 * `thinkingConfig` for canonical reasoning settings: a token budget (or the budget of an effort
 * level; an explicit budget wins) with `includeThoughts` so thought summaries come back as
 * reasoning, or `thinkingBudget: 0` when thinking is switched off. Undefined when nothing is set.
 * @see https://ai.google.dev/api/generate-content#ThinkingConfig
 */
export function geminiThinkingConfig(reasoning: ReasoningSettings): JsonObject | undefined {
  if (reasoning.disabled === true) {
    return { thinkingBudget: 0 };
  }
  const budget =
    reasoning.budgetTokens ??
    (reasoning.effort === undefined ? undefined : geminiThinkingBudgets[reasoning.effort]);
  return budget === undefined ? undefined : { thinkingBudget: budget, includeThoughts: true };
}

/**
 * `toolConfig.functionCallingConfig` for a tool choice: `AUTO`, `NONE`, `ANY`, or `ANY` limited
 * to one function by `allowedFunctionNames`.
 * @see https://ai.google.dev/api/caching#FunctionCallingConfig
 */
function functionCallingConfig(choice: ToolChoice): JsonObject {
  switch (choice.type) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    case 'tool':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
}

/**
 * Tool declarations. Parameters go as JSON Schema (`parametersJsonSchema`, Gemini 2.5 and later,
 * AI Studio and Vertex AI) rather than the OpenAPI-subset `parameters`, whose proto parser rejects
 * the whole request on any keyword it lacks (`additionalProperties`, `$schema`, `const`...); the
 * schema is still reduced to the documented keyword set. A tool without parameters sends none.
 * @see https://ai.google.dev/api/caching#FunctionDeclaration
 */
function functionDeclarations(request: ChatRequest): JsonObject[] {
  return request.tools.map((tool) => {
    const schema = toGeminiJsonSchema(tool.parameters);
    const empty =
      Object.keys(schema).every((keyword) => keyword === 'type') &&
      (schema.type === undefined || schema.type === 'object');
    return {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(empty ? {} : { parametersJsonSchema: schema }),
    };
  });
}

/**
 * `generationConfig`: sampling, limits, candidates, JSON output (`responseMimeType` with
 * `responseJsonSchema` for a schema) and thinking.
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerationConfig
 */
function generationConfig(request: ChatRequest): JsonObject {
  const config: JsonObject = {};
  if (request.stopSequences.length > 0) config.stopSequences = [...request.stopSequences];
  if (request.choices !== undefined) config.candidateCount = request.choices;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  const format = request.responseFormat;
  if (format?.type === 'json-object') {
    config.responseMimeType = 'application/json';
  } else if (format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = toGeminiJsonSchema(format.schema);
  }
  const thinking =
    request.reasoning === undefined ? undefined : geminiThinkingConfig(request.reasoning);
  if (thinking !== undefined) config.thinkingConfig = thinking;
  return config;
}

/** `bodyFields` over the body; object members (`generationConfig`) merge one level deep. */
function mergeBodyFields(body: JsonObject, fields: Readonly<JsonObject>): JsonObject {
  const merged: JsonObject = { ...body };
  for (const [name, value] of Object.entries(fields)) {
    const current = merged[name];
    merged[name] = isJsonObject(current) && isJsonObject(value) ? { ...current, ...value } : value;
  }
  return merged;
}

/**
 * A canonical request as a Gemini `generateContent` / `streamGenerateContent` body (the model and
 * the stream choice are in the URL, so the body has neither unless `modelInBody` asks for `model`).
 * Parameters Gemini cannot express are named by `unsupportedGeminiParameters` and refused before
 * this runs; `metadata`, image `detail`, tool `strict` and cache-control marks have no Gemini
 * field and are not sent. Pure.
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.endpoints/generateContent
 */
export function encodeGeminiRequest(request: ChatRequest, options: EgressOptions): JsonObject {
  const { contents, systemParts } = encodeGeminiContents(request);
  const body: JsonObject = {};
  if (options.modelInBody) {
    body.model = options.upstreamModel;
  }
  body.contents = contents;
  if (systemParts.length > 0) {
    body.systemInstruction = { parts: systemParts };
  }
  if (request.tools.length > 0) {
    body.tools = [{ functionDeclarations: functionDeclarations(request) }];
    if (request.toolChoice !== undefined) {
      body.toolConfig = { functionCallingConfig: functionCallingConfig(request.toolChoice) };
    }
  }
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) {
    body.generationConfig = config;
  }
  return mergeBodyFields(body, options.bodyFields);
}
