import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiToolCallKeys } from './openai-tool-call-keys.ts';

function decode(body: string) {
  return decodeWireBody(new OpenAiChatStreamDecoder(), body);
}

function chunk(delta: object, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

describe('OpenAiToolCallKeys', () => {
  it('keys fragments by id first, then by index, then continues the latest call', () => {
    const keys = new OpenAiToolCallKeys();
    const first = keys.keyFor(0, 0, 'call_a');
    expect(keys.keyFor(0, 0, undefined)).toBe(first);
    expect(keys.keyFor(0, undefined, 'call_a')).toBe(first);
    const second = keys.keyFor(0, 0, 'call_b');
    expect(second).not.toBe(first);
    expect(keys.keyFor(0, 0, undefined)).toBe(second);
    expect(keys.keyFor(0, undefined, undefined)).toBe(second);
    expect(keys.keyFor(0, 1, undefined)).not.toBe(second);
  });

  it('keeps the calls of each choice apart', () => {
    const keys = new OpenAiToolCallKeys();
    const a = keys.keyFor(0, 0, 'a');
    keys.keyFor(0, 1, 'b');
    const c = keys.keyFor(1, 0, 'c');
    expect(keys.keyFor(1, 0, undefined)).toBe(c);
    expect(keys.keyFor(0, 0, undefined)).toBe(a);
  });
});

describe('OpenAiChatStreamDecoder on tool calls', () => {
  const call = (fields: object) => chunk({ tool_calls: [fields] });

  it('routes fragments by index, with the id only on the first (OpenAI)', () => {
    const body =
      call({ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }) +
      call({ index: 0, function: { arguments: '{"y": 1}' } }) +
      call({
        index: 1,
        id: 'call_b',
        type: 'function',
        function: { name: 'g', arguments: '{"x"' },
      }) +
      call({ index: 1, function: { arguments: ': 2}' } }) +
      chunk({}, 'tool_calls');
    const { events } = decode(body);
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_a', name: 'f', arguments: '{"y": 1}' },
      { id: 'call_b', name: 'g', arguments: '{"x": 2}' },
    ]);
  });

  it('fails rather than emit arguments for a call whose part has ended', () => {
    const interleaved =
      call({ index: 0, id: 'call_a', function: { name: 'f', arguments: '{"y"' } }) +
      call({ index: 1, id: 'call_b', function: { name: 'g', arguments: '{}' } }) +
      call({ index: 0, function: { arguments: ': 1}' } });
    const { events, failure } = decode(interleaved);
    const ended = events.findIndex((event) => event.type === 'tool-call-end' && event.part === 0);
    expect(
      events.slice(ended).some((event) => event.type === 'tool-call-delta' && event.part === 0),
    ).toBe(false);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    const afterText =
      call({ index: 0, id: 'call_a', function: { name: 'f', arguments: '' } }) +
      chunk({ content: 'Now text.' }) +
      call({ index: 0, function: { arguments: '{}' } });
    expect(decode(afterText).failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('tells calls without index apart by id (Mistral)', () => {
    const body =
      chunk({
        tool_calls: [
          { id: 'D681PevKs', function: { name: 'f', arguments: '{"a": 1}' } },
          { id: 'Xn2pQ7rTz', function: { name: 'g', arguments: '{}' } },
        ],
      }) +
      call({ id: 'Xn2pQ7rTz', function: { arguments: '' } }) +
      call({ function: { arguments: '' } }) +
      chunk({}, 'tool_calls');
    const { events } = decode(body);
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)?.toolCalls).toEqual([
      { id: 'D681PevKs', name: 'f', arguments: '{"a": 1}' },
      { id: 'Xn2pQ7rTz', name: 'g', arguments: '{}' },
    ]);
  });

  it('continues the latest call with fragments that have neither index nor id', () => {
    const body =
      call({ function: { name: 'h', arguments: '{"b"' } }) +
      call({ function: { arguments: ': 2}' } }) +
      chunk({}, 'tool_calls');
    expect(assembleStream(decode(body).events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_0', name: 'h', arguments: '{"b": 2}' },
    ]);
  });

  it('starts a new call when a reused index brings a new id (Ollama)', () => {
    const body =
      call({ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"city": "Paris"}' } }) +
      call({ index: 0, id: 'call_2', function: { name: 'f', arguments: '{"city"' } }) +
      call({ index: 0, function: { arguments: ': "Rome"}' } }) +
      chunk({}, 'tool_calls');
    const { events } = decode(body);
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_1', name: 'f', arguments: '{"city": "Paris"}' },
      { id: 'call_2', name: 'f', arguments: '{"city": "Rome"}' },
    ]);
  });

  it('continues a call whose later fragments repeat its id or send an empty one', () => {
    const body =
      call({ index: 0, function: { name: 'f', arguments: '' } }) +
      call({ index: 0, id: 'call_late', function: { arguments: '{"a"' } }) +
      call({ index: 0, id: 'call_late', function: { arguments: ': 1' } }) +
      call({ index: 0, id: '', function: { arguments: '}' } }) +
      chunk({}, 'tool_calls');
    expect(assembleStream(decode(body).events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_0', name: 'f', arguments: '{"a": 1}' },
    ]);
  });
});
