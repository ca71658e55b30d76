import type { MockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity, MockDialect } from '../mock-dialect.ts';
import { parseOpenAiMockRequest } from './openai-chat-mock.ts';

/**
 * Where the mock serves Mistral's API: under a `/mistral` prefix, since its path is the same as
 * OpenAI's and the mock serves every provider from one origin (configure `base_url:
 * <mock>/mistral/v1`).
 */
const mistralPath = '/mistral/v1/chat/completions';

/** Fields of the OpenAI API that Mistral's refuses ("Extra inputs are not permitted"). */
const openAiOnlyFields = [
  'stream_options',
  'seed',
  'max_completion_tokens',
  'user',
  'reasoning_effort',
];

const finishReasons = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls' } as const;

/** A tool call id in Mistral's format: nine letters and digits. */
function mistralId(id: string): string {
  return `000000000${id.replace(/[^A-Za-z0-9]/g, '')}`.slice(-9);
}

function usage(reply: MockChatReply): object {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
}

function toolCalls(reply: MockChatReply): object[] {
  return reply.toolCalls.map((call) => ({
    id: mistralId(call.id),
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * The chunks of a streamed Mistral answer: content token by token, tool calls whole in one chunk
 * and without `index`, and usage on the last chunk whether or not it was asked for.
 * @see https://docs.mistral.ai/api/#tag/chat
 */
function encodeChunks(identity: MockCompletionIdentity, reply: MockChatReply): string[] {
  const chunk = (delta: object, finishReason: string | null, withUsage = false): string =>
    JSON.stringify({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...(withUsage ? { usage: usage(reply) } : {}),
    });
  const chunks = [chunk({ role: 'assistant', content: '' }, null)];
  for (const token of reply.tokens) {
    chunks.push(chunk({ content: token }, null));
  }
  const last =
    reply.toolCalls.length > 0 ? { content: null, tool_calls: toolCalls(reply) } : { content: '' };
  chunks.push(chunk(last, finishReasons[reply.finishReason], true));
  return chunks;
}

/** The context window the mock claims for Mistral models when it refuses a prompt as too long. */
const mockContextWindow = 131_072;

/**
 * The mock speaking Mistral's chat API: the Chat Completions shape with Mistral's rules
 * (`random_seed`, `tool_choice: "any"`, no OpenAI-only fields, nine-character tool ids, usage
 * always on the last streamed chunk). One answer per request.
 */
export const mistralChatMockDialect: MockDialect = {
  name: 'mistral-chat',
  route: (method, path) => (method === 'POST' && path === mistralPath ? {} : undefined),
  parseRequest(body) {
    const extra = openAiOnlyFields.find((field) => field in body);
    if (extra !== undefined) {
      return {
        status: 422,
        code: 'extra_forbidden',
        message: `${extra}: Extra inputs are not permitted`,
        param: extra,
      };
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return {
        status: 400,
        code: 'invalid_request_message_order',
        message: 'Expected at least one message',
        param: 'messages',
      };
    }
    const choice = body.tool_choice;
    const parsed = parseOpenAiMockRequest(
      { ...body, tool_choice: choice === 'any' ? 'required' : choice },
      typeof body.model === 'string' ? body.model : '',
    );
    return { ...parsed, choices: 1, includeUsage: true };
  },
  encodeResponse(identity, reply) {
    return JSON.stringify({
      id: identity.id,
      object: 'chat.completion',
      created: identity.created,
      model: identity.model,
      usage: usage(reply),
      choices: [
        {
          index: 0,
          finish_reason: finishReasons[reply.finishReason],
          message:
            reply.toolCalls.length > 0
              ? { role: 'assistant', content: '', tool_calls: toolCalls(reply) }
              : { role: 'assistant', content: reply.tokens.join(''), tool_calls: null },
        },
      ],
    });
  },
  encodeStream(identity, reply) {
    const frames = [
      ...encodeChunks(identity, reply).map((payload) => `data: ${payload}\n\n`),
      'data: [DONE]\n\n',
    ];
    return {
      contentType: 'text/event-stream',
      frames,
      terminalFrames: 1,
      truncateAt: Math.max(1, frames.length - 2),
      malformedFrame: 'data: {"choices": [\n\n',
      errorFrame:
        'data: {"object":"error","message":"Upstream secret detail","type":"internal_error"}\n\n',
      sse: true,
    };
  },
  encodeError(error) {
    if (error.status === 422) {
      return {
        body: JSON.stringify({
          detail: [{ type: error.code, loc: ['body', error.param ?? ''], msg: error.message }],
        }),
        headers: { 'content-type': 'application/json' },
      };
    }
    return {
      body: JSON.stringify({
        object: 'error',
        message: error.message,
        type: error.status >= 500 ? 'internal_error' : 'invalid_request_error',
        param: error.param ?? null,
        code: error.code,
      }),
      headers: { 'content-type': 'application/json' },
    };
  },
  // A prompt over the window is a 400 with the error at the top level and a null code. Mistral
  // documents no content-policy error (moderation is a separate endpoint), so that refusal is
  // answered as usual. https://docs.mistral.ai/api/
  encodeRefusal(refusal, request) {
    if (refusal !== 'context-length') {
      return undefined;
    }
    return {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        object: 'error',
        message: `Prompt contains ${String(mockContextWindow + request.promptTokens)} tokens and 0 draft tokens, too large for model with ${String(mockContextWindow)} maximum context length`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      }),
    };
  },
};
