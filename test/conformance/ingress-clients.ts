import Anthropic, { APIError as AnthropicApiError } from '@anthropic-ai/sdk';
import OpenAI, { APIError as OpenAiApiError } from 'openai';

/** What a test asks of a model, in terms every ingress dialect can express. */
export interface ScenarioRequest {
  readonly model: string;
  readonly prompt: string;
  readonly stream: boolean;
  readonly tools?: readonly {
    readonly name: string;
    readonly description: string;
    readonly parameters: object;
  }[];
  readonly toolChoice?: 'auto' | 'required' | { readonly name: string };
  readonly parallelToolCalls?: boolean;
  readonly maxTokens?: number;
  readonly jsonSchema?: object;
}

/** What a client ended up with, normalised across dialects. */
export interface ClientAnswer {
  readonly kind: 'answer';
  readonly text: string;
  readonly reasoning: string;
  readonly refusal: string;
  readonly toolCalls: readonly {
    readonly id: string;
    readonly name: string;
    readonly arguments: unknown;
  }[];
  readonly finish: string;
  readonly usage: {
    readonly input: number | undefined;
    readonly output: number | undefined;
    readonly cacheRead: number | undefined;
    readonly cacheWrite: number | undefined;
    readonly reasoning: number | undefined;
  };
}

/** An error as the client saw it: status, the gateway's code, and the body's shape. */
export interface ClientFailure {
  readonly kind: 'error';
  readonly status: number;
  readonly code: string | undefined;
  readonly type: string | undefined;
  readonly retryAfter: string | undefined;
  readonly body: unknown;
}

export type ClientOutcome = ClientAnswer | ClientFailure;

export type IngressClient = (
  baseUrl: string,
  apiKey: string,
  request: ScenarioRequest,
) => Promise<ClientOutcome>;

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsable: text };
  }
}

const openAiFinish: Readonly<Record<string, string>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  content_filter: 'content-filter',
};

interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

function openAiUsage(usage: OpenAiUsage | null | undefined): ClientAnswer['usage'] {
  return {
    input: usage?.prompt_tokens,
    output: usage?.completion_tokens,
    cacheRead: usage?.prompt_tokens_details?.cached_tokens,
    cacheWrite: usage?.prompt_tokens_details?.cache_write_tokens,
    reasoning: usage?.completion_tokens_details?.reasoning_tokens,
  };
}

/** The official `openai` SDK on `/v1/chat/completions`, streamed or not. */
export const openAiChatClient: IngressClient = async (baseUrl, apiKey, request) => {
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 15_000 });
  const body = {
    model: request.model,
    messages: [{ role: 'user' as const, content: request.prompt }],
    ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: {
              name: tool.name,
              description: tool.description,
              parameters: tool.parameters as Record<string, unknown>,
            },
          })),
        }),
    ...(request.toolChoice === undefined
      ? {}
      : {
          tool_choice:
            typeof request.toolChoice === 'string'
              ? request.toolChoice
              : { type: 'function' as const, function: { name: request.toolChoice.name } },
        }),
    ...(request.parallelToolCalls === undefined
      ? {}
      : { parallel_tool_calls: request.parallelToolCalls }),
    ...(request.jsonSchema === undefined
      ? {}
      : {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { name: 'answer', schema: request.jsonSchema as Record<string, unknown> },
          },
        }),
  };
  try {
    if (!request.stream) {
      const completion = await client.chat.completions.create(body);
      const choice = completion.choices[0];
      const message = choice?.message as
        (OpenAI.ChatCompletionMessage & { reasoning_content?: string }) | undefined;
      return {
        kind: 'answer',
        text: message?.content ?? '',
        reasoning: message?.reasoning_content ?? '',
        refusal: message?.refusal ?? '',
        toolCalls: (message?.tool_calls ?? []).flatMap((call) =>
          call.type === 'function'
            ? [
                {
                  id: call.id,
                  name: call.function.name,
                  arguments: parseArguments(call.function.arguments),
                },
              ]
            : [],
        ),
        finish: openAiFinish[choice?.finish_reason ?? ''] ?? String(choice?.finish_reason),
        usage: openAiUsage(completion.usage),
      };
    }
    const stream = await client.chat.completions.create({
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let reasoning = '';
    let refusal = '';
    let finish = '';
    let usage: OpenAiUsage | undefined;
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      for (const choice of chunk.choices) {
        const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
        text += delta.content ?? '';
        reasoning += delta.reasoning_content ?? '';
        refusal += delta.refusal ?? '';
        for (const call of delta.tool_calls ?? []) {
          const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
          entry.id ||= call.id ?? '';
          entry.name ||= call.function?.name ?? '';
          entry.arguments += call.function?.arguments ?? '';
          calls.set(call.index, entry);
        }
        if (choice.finish_reason !== null) finish = choice.finish_reason;
      }
    }
    return {
      kind: 'answer',
      text,
      reasoning,
      refusal,
      toolCalls: [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, call]) => ({
          id: call.id,
          name: call.name,
          arguments: parseArguments(call.arguments),
        })),
      finish: openAiFinish[finish] ?? finish,
      usage: openAiUsage(usage),
    };
  } catch (error) {
    if (error instanceof OpenAiApiError) {
      const apiError = error as OpenAiApiError<
        number | undefined,
        Headers | undefined,
        object | undefined
      >;
      return {
        kind: 'error',
        status: apiError.status ?? 0,
        code: apiError.code ?? undefined,
        type: apiError.type,
        retryAfter: apiError.headers?.get('retry-after') ?? undefined,
        body: apiError.error,
      };
    }
    throw error;
  }
};

const anthropicFinish: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
};

/** The official `@anthropic-ai/sdk` on `/v1/messages`, streamed (through its message accumulator) or not. */
export const anthropicMessagesClient: IngressClient = async (baseUrl, apiKey, request) => {
  const client = new Anthropic({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: 15_000 });
  const body: Anthropic.MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.maxTokens ?? 1024,
    messages: [{ role: 'user', content: request.prompt }],
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            input_schema: tool.parameters as Anthropic.Tool.InputSchema,
          })),
        }),
    ...(request.toolChoice === undefined
      ? {}
      : {
          tool_choice:
            request.toolChoice === 'auto'
              ? {
                  type: 'auto',
                  ...(request.parallelToolCalls === false
                    ? { disable_parallel_tool_use: true }
                    : {}),
                }
              : request.toolChoice === 'required'
                ? { type: 'any' }
                : { type: 'tool', name: request.toolChoice.name },
        }),
    ...(request.jsonSchema === undefined
      ? {}
      : {
          output_config: {
            format: { type: 'json_schema', schema: request.jsonSchema as Record<string, unknown> },
          },
        }),
  };
  try {
    const message = request.stream
      ? await client.messages.stream(body).finalMessage()
      : await client.messages.create(body);
    let text = '';
    let reasoning = '';
    const toolCalls: { id: string; name: string; arguments: unknown }[] = [];
    for (const block of message.content) {
      if (block.type === 'text') text += block.text;
      if (block.type === 'thinking') reasoning += block.thinking;
      if (block.type === 'tool_use')
        toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
    }
    const usage = message.usage;
    const cacheRead = usage.cache_read_input_tokens ?? undefined;
    const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
    return {
      kind: 'answer',
      text,
      reasoning,
      refusal: '',
      toolCalls,
      finish: anthropicFinish[message.stop_reason ?? ''] ?? String(message.stop_reason),
      usage: {
        input: usage.input_tokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
        output: usage.output_tokens,
        cacheRead,
        cacheWrite,
        reasoning: undefined,
      },
    };
  } catch (error) {
    if (error instanceof AnthropicApiError) {
      const apiError = error as AnthropicApiError<
        number | undefined,
        Headers | undefined,
        object | undefined
      >;
      return {
        kind: 'error',
        status: apiError.status ?? 0,
        code: apiError.errorCode ?? undefined,
        type: apiError.type ?? undefined,
        retryAfter: apiError.headers?.get('retry-after') ?? undefined,
        body: apiError.error,
      };
    }
    throw error;
  }
};

interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens_details?: { reasoning_tokens?: number };
}

/** The official `openai` SDK on `/v1/responses`: `responses.create`, or `responses.stream` to its final response. */
export const openAiResponsesClient: IngressClient = async (baseUrl, apiKey, request) => {
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 15_000 });
  const body = {
    model: request.model,
    input: request.prompt,
    ...(request.maxTokens === undefined ? {} : { max_output_tokens: request.maxTokens }),
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            name: tool.name,
            description: tool.description,
            parameters: tool.parameters as Record<string, unknown>,
            strict: false,
          })),
        }),
    ...(request.toolChoice === undefined
      ? {}
      : {
          tool_choice:
            typeof request.toolChoice === 'string'
              ? request.toolChoice
              : { type: 'function' as const, name: request.toolChoice.name },
        }),
    ...(request.parallelToolCalls === undefined
      ? {}
      : { parallel_tool_calls: request.parallelToolCalls }),
    ...(request.jsonSchema === undefined
      ? {}
      : {
          text: {
            format: {
              type: 'json_schema' as const,
              name: 'answer',
              schema: request.jsonSchema as Record<string, unknown>,
              strict: false,
            },
          },
        }),
  };
  try {
    const response = request.stream
      ? await client.responses.stream(body).finalResponse()
      : await client.responses.create(body);
    let text = '';
    let refusal = '';
    let reasoning = '';
    const toolCalls: { id: string; name: string; arguments: unknown }[] = [];
    for (const item of response.output) {
      if (item.type === 'message') {
        for (const part of item.content) {
          if (part.type === 'output_text') text += part.text;
          if (part.type === 'refusal') refusal += part.refusal;
        }
      } else if (item.type === 'reasoning') {
        reasoning += item.summary.map((summary) => summary.text).join('');
      } else if (item.type === 'function_call') {
        toolCalls.push({
          id: item.call_id,
          name: item.name,
          arguments: parseArguments(item.arguments),
        });
      }
    }
    const incomplete = response.incomplete_details?.reason;
    const finish =
      response.status === 'incomplete'
        ? incomplete === 'max_output_tokens'
          ? 'length'
          : incomplete === 'content_filter'
            ? 'content-filter'
            : String(incomplete)
        : toolCalls.length > 0
          ? 'tool-calls'
          : 'stop';
    const usage = response.usage as ResponsesUsage | undefined;
    return {
      kind: 'answer',
      text,
      reasoning,
      refusal,
      toolCalls,
      finish,
      usage: {
        input: usage?.input_tokens,
        output: usage?.output_tokens,
        cacheRead: usage?.input_tokens_details?.cached_tokens,
        cacheWrite: undefined,
        reasoning: usage?.output_tokens_details?.reasoning_tokens,
      },
    };
  } catch (error) {
    if (error instanceof OpenAiApiError) {
      const apiError = error as OpenAiApiError<
        number | undefined,
        Headers | undefined,
        object | undefined
      >;
      return {
        kind: 'error',
        status: apiError.status ?? 0,
        code: apiError.code ?? undefined,
        type: apiError.type,
        retryAfter: apiError.headers?.get('retry-after') ?? undefined,
        body: apiError.error,
      };
    }
    throw error;
  }
};

/** Every ingress dialect and the official client that speaks it. */
export const ingressClients: Readonly<Record<string, IngressClient>> = {
  'openai-chat': openAiChatClient,
  'anthropic-messages': anthropicMessagesClient,
  'openai-responses': openAiResponsesClient,
};
