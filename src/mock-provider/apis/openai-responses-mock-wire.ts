import type { JsonObject } from '../../lib/json.ts';
import type { MockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';
import { splitArguments } from './openai-chat-mock-wire.ts';

/** A `resp_` id for a mock answer. */
export function mockResponseId(identity: MockCompletionIdentity): string {
  return `resp_${identity.id.replace(/[^A-Za-z0-9]/g, '')}`;
}

function itemId(prefix: string, identity: MockCompletionIdentity, index: number): string {
  return `${prefix}_${identity.id.replace(/[^A-Za-z0-9]/g, '')}${index}`;
}

function usage(reply: MockChatReply): JsonObject {
  return {
    input_tokens: reply.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: reply.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
}

function outputText(text: string): JsonObject {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function messageItem(id: string, content: JsonObject[], status: string): JsonObject {
  return { id, type: 'message', status, content, role: 'assistant' };
}

function functionCallItem(id: string, callId: string, name: string, args: string, status: string) {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/** The output items of the finished answer. */
function outputItems(identity: MockCompletionIdentity, reply: MockChatReply): JsonObject[] {
  if (reply.toolCalls.length > 0) {
    return reply.toolCalls.map((call, index) =>
      functionCallItem(
        itemId('fc', identity, index),
        call.id,
        call.name,
        call.arguments,
        'completed',
      ),
    );
  }
  const status = reply.finishReason === 'length' ? 'incomplete' : 'completed';
  return [messageItem(itemId('msg', identity, 0), [outputText(reply.tokens.join(''))], status)];
}

/**
 * The `response` object, as OpenAI writes it: `in_progress` with no output and no usage while
 * streaming starts, then `completed`, or `incomplete` (`max_output_tokens`) when the output limit
 * cut the answer.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function mockResponseObject(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
  state: 'in_progress' | 'finished' | 'failed',
): JsonObject {
  const incomplete = state === 'finished' && reply.finishReason === 'length';
  const status = state === 'finished' ? (incomplete ? 'incomplete' : 'completed') : state;
  return {
    id: mockResponseId(identity),
    object: 'response',
    created_at: identity.created,
    status,
    background: false,
    error:
      state === 'failed'
        ? { code: 'server_error', message: 'Upstream secret detail: the server had an error.' }
        : null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: identity.model,
    output: state === 'finished' ? outputItems(identity, reply) : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: state === 'finished' ? usage(reply) : null,
    user: null,
    metadata: {},
  };
}

/**
 * The events of a streamed answer without SSE framing, numbered from 0: `response.created`,
 * `response.in_progress`, then a message (`output_item.added`, `content_part.added`, a
 * `response.output_text.delta` per token, `output_text.done`, `content_part.done`,
 * `output_item.done`) or each function call (`output_item.added`, argument deltas,
 * `function_call_arguments.done`, `output_item.done`), and `response.completed` (or
 * `response.incomplete`) with the whole response and usage.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function encodeMockResponsesEvents(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): JsonObject[] {
  const events: JsonObject[] = [];
  const add = (type: string, fields: JsonObject): void => {
    events.push({ type, sequence_number: events.length, ...fields });
  };
  const started = mockResponseObject(identity, reply, 'in_progress');
  add('response.created', { response: started });
  add('response.in_progress', { response: started });
  const finished = mockResponseObject(identity, reply, 'finished');
  const items = outputItems(identity, reply);
  if (reply.toolCalls.length > 0) {
    reply.toolCalls.forEach((call, index) => {
      const id = itemId('fc', identity, index);
      const address = { item_id: id, output_index: index };
      add('response.output_item.added', {
        output_index: index,
        item: functionCallItem(id, call.id, call.name, '', 'in_progress'),
      });
      for (const piece of splitArguments(call.arguments)) {
        add('response.function_call_arguments.delta', { ...address, delta: piece });
      }
      add('response.function_call_arguments.done', { ...address, arguments: call.arguments });
      add('response.output_item.done', { output_index: index, item: items[index] ?? {} });
    });
  } else {
    const id = itemId('msg', identity, 0);
    const address = { item_id: id, output_index: 0, content_index: 0 };
    const text = reply.tokens.join('');
    add('response.output_item.added', {
      output_index: 0,
      item: messageItem(id, [], 'in_progress'),
    });
    add('response.content_part.added', { ...address, part: outputText('') });
    for (const token of reply.tokens) {
      add('response.output_text.delta', { ...address, delta: token, logprobs: [] });
    }
    add('response.output_text.done', { ...address, text, logprobs: [] });
    add('response.content_part.done', { ...address, part: outputText(text) });
    add('response.output_item.done', { output_index: 0, item: items[0] ?? {} });
  }
  add(finished.status === 'incomplete' ? 'response.incomplete' : 'response.completed', {
    response: finished,
  });
  return events;
}
