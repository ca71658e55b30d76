import type { MockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';

const fingerprint = 'fp_signalbox_mock';
const finishReasons = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls' } as const;

function usageObject(reply: MockChatReply, choices: number): object {
  const completion = reply.completionTokens * choices;
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: completion,
    total_tokens: reply.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/**
 * The non-streamed `chat.completion` body, shaped like OpenAI's.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function encodeMockChatCompletion(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): string {
  const message =
    reply.toolCalls.length > 0
      ? {
          role: 'assistant',
          content: null,
          tool_calls: reply.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: reply.tokens.join(''), refusal: null, annotations: [] };
  return JSON.stringify({
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: Array.from({ length: identity.choices }, (_, index) => ({
      index,
      message,
      logprobs: null,
      finish_reason: finishReasons[reply.finishReason],
    })),
    usage: usageObject(reply, identity.choices),
    service_tier: 'default',
    system_fingerprint: fingerprint,
  });
}

/**
 * The data payloads of a streamed answer, in order, without SSE framing: a role chunk, content or
 * tool-call deltas, a finish chunk per choice, and (when asked) the usage-only chunk.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function encodeMockChatChunks(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
  includeUsage: boolean,
): string[] {
  const head = `{"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)},"service_tier":"default","system_fingerprint":"${fingerprint}","choices":`;
  const tail = includeUsage ? ',"usage":null}' : '}';
  const chunk = (index: number, delta: object, finishReason: string | null): string =>
    `${head}[${JSON.stringify({ index, delta, logprobs: null, finish_reason: finishReason })}]${tail}`;
  const chunks: string[] = [];
  for (let index = 0; index < identity.choices; index += 1) {
    chunks.push(chunk(index, { role: 'assistant', content: '', refusal: null }, null));
    if (reply.toolCalls.length > 0) {
      reply.toolCalls.forEach((call, callIndex) => {
        chunks.push(
          chunk(
            index,
            {
              tool_calls: [
                {
                  index: callIndex,
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: '' },
                },
              ],
            },
            null,
          ),
        );
        for (const piece of splitArguments(call.arguments)) {
          chunks.push(
            chunk(
              index,
              { tool_calls: [{ index: callIndex, function: { arguments: piece } }] },
              null,
            ),
          );
        }
      });
    } else {
      for (const token of reply.tokens) {
        chunks.push(chunk(index, { content: token }, null));
      }
    }
    chunks.push(chunk(index, {}, finishReasons[reply.finishReason]));
  }
  if (includeUsage) {
    chunks.push(`${head}[],"usage":${JSON.stringify(usageObject(reply, identity.choices))}}`);
  }
  return chunks;
}

/** Splits tool arguments into small fragments, as providers stream them. */
export function splitArguments(text: string): string[] {
  const pieces: string[] = [];
  for (let offset = 0; offset < text.length; offset += 8) {
    pieces.push(text.slice(offset, offset + 8));
  }
  return pieces.length > 0 ? pieces : [''];
}
