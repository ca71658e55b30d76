import { safeParseJson } from '../../lib/json.ts';
import type { MockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';

const stopReasons = { stop: 'end_turn', length: 'max_tokens', 'tool-calls': 'tool_use' } as const;

function messageId(identity: MockCompletionIdentity): string {
  return `msg_${identity.id.replace(/[^A-Za-z0-9]/g, '')}`;
}

function toolId(id: string): string {
  return `toolu_${id.replace(/[^A-Za-z0-9]/g, '')}`;
}

function parsedArguments(text: string): unknown {
  const parsed = safeParseJson(text);
  return parsed.ok ? parsed.value : {};
}

function usage(reply: MockChatReply, output: number): object {
  return {
    input_tokens: reply.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
  };
}

/**
 * The non-streamed `message` body, shaped like Anthropic's.
 * @see https://docs.anthropic.com/en/api/messages#response
 */
export function encodeMockAnthropicMessage(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): object {
  const content =
    reply.toolCalls.length > 0
      ? reply.toolCalls.map((call) => ({
          type: 'tool_use',
          id: toolId(call.id),
          name: call.name,
          input: parsedArguments(call.arguments),
        }))
      : [{ type: 'text', text: reply.tokens.join('') }];
  return {
    id: messageId(identity),
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content,
    stop_reason: stopReasons[reply.finishReason],
    stop_sequence: null,
    usage: usage(reply, reply.completionTokens),
  };
}

/**
 * The events of a streamed answer, in Anthropic's order: `message_start`, a `ping`, each content
 * block (text deltas token by token; tool input as `input_json_delta` fragments, the first one
 * empty as the real API sends), `message_delta` with the stop reason and usage, `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function encodeMockAnthropicEvents(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): object[] {
  const events: object[] = [
    {
      type: 'message_start',
      message: {
        id: messageId(identity),
        type: 'message',
        role: 'assistant',
        model: identity.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(reply, 1),
      },
    },
    { type: 'ping' },
  ];
  if (reply.toolCalls.length > 0) {
    reply.toolCalls.forEach((call, index) => {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: toolId(call.id), name: call.name, input: {} },
      });
      const middle = Math.ceil(call.arguments.length / 2);
      for (const fragment of ['', call.arguments.slice(0, middle), call.arguments.slice(middle)]) {
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        });
      }
      events.push({ type: 'content_block_stop', index });
    });
  } else {
    events.push({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    for (const token of reply.tokens) {
      events.push({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: token },
      });
    }
    events.push({ type: 'content_block_stop', index: 0 });
  }
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: stopReasons[reply.finishReason], stop_sequence: null },
      usage: usage(reply, reply.completionTokens),
    },
    { type: 'message_stop' },
  );
  return events;
}
