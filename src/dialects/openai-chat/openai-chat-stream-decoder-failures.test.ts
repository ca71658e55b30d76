import { describe, expect, it } from 'vitest';
import { assembleStream, decodeWireBody } from '../../../test/helpers/canonical-stream.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';

function decode(body: string) {
  return decodeWireBody(new OpenAiChatStreamDecoder(), body);
}

function data(chunk: object): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function chunk(delta: object): string {
  return data({
    id: 'chatcmpl-1',
    model: 'gpt-test',
    choices: [{ index: 0, delta, finish_reason: null }],
  });
}

describe('OpenAiChatStreamDecoder on failures', () => {
  it('fails on an error chunk after content, without its text', () => {
    const { events, failure } = decode(
      chunk({ content: 'Partial' }) +
        data({ error: { message: 'secret sk-live-123', type: 'server_error' } }),
    );
    expect(assembleStream(events).choices.get(0)?.text).toBe('Partial');
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(failure?.publicMessage).not.toContain('secret');
  });

  it('fails on an error object with "object": "error" (Mistral, vLLM)', () => {
    const { failure } = decode(
      chunk({ content: 'Partial' }) +
        data({ object: 'error', message: 'secret', type: 'internal_error', code: 500 }),
    );
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it('fails on a chunk that is not a JSON object', () => {
    expect(decode('data: {"choices": [\n\n').failure?.code).toBe(
      'SB_ERR_UPSTREAM_INVALID_RESPONSE',
    );
    expect(decode('data: [1, 2]\n\n').failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('fails when the stream ends before every choice finished', () => {
    expect(decode(chunk({ content: 'Cut' })).failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(decode('').failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it('ignores everything after [DONE] and non-event frames', () => {
    const decoder = new OpenAiChatStreamDecoder();
    expect(decoder.push({ kind: 'comment', text: ' ping' })).toEqual({
      events: [],
      failure: undefined,
    });
    decoder.push({ kind: 'event', event: undefined, data: '[DONE]', id: undefined });
    expect(
      decoder.push({ kind: 'event', event: undefined, data: '{"choices":[]}', id: undefined }),
    ).toEqual({ events: [], failure: undefined });
    expect(decoder.end()).toEqual({ events: [], failure: undefined });
  });
});
