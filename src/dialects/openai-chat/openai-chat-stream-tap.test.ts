import { describe, expect, it } from 'vitest';
import { openAiChatStreamBody, readChunkLines } from '../../../test/helpers/provider-recordings.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import type { TapOutput } from '../dialect-codec.ts';
import { OpenAiChatStreamTap } from './openai-chat-stream-tap.ts';

function replay(body: string, stripUsageChunk: boolean, pieceSize = body.length) {
  const tap = new OpenAiChatStreamTap({ stripUsageChunk });
  const parser = new SseParser();
  const outputs: TapOutput[] = [];
  const bytes = Buffer.from(body, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    outputs.push(
      ...parser.push(bytes.subarray(offset, offset + pieceSize)).map((frame) => tap.push(frame)),
    );
  }
  outputs.push(...parser.end().map((frame) => tap.push(frame)));
  const forwarded = outputs.flatMap((output) => (output.kind === 'forward' ? [output.text] : []));
  return { tap, outputs, forwarded };
}

describe('OpenAiChatStreamTap on recorded streams', () => {
  it('forwards an OpenAI stream unchanged and reads its usage (openai-text)', () => {
    const body = openAiChatStreamBody('openai-chat/openai/openai-text.chunks.txt');
    const { tap, forwarded } = replay(body, false);
    expect(forwarded.join('')).toBe(body);
    expect(tap.usage).toEqual({
      inputTokens: { total: 16, cacheRead: 0 },
      outputTokens: { total: 300, reasoning: 0 },
    });
    expect([...tap.finishReasons.values()]).toEqual(['stop']);
    expect(tap.complete).toBe(true);
  });

  it('drops only the usage-only chunk when the gateway asked for usage and the client did not', () => {
    const lines = readChunkLines('openai-chat/openai/openai-text.chunks.txt');
    const body = openAiChatStreamBody('openai-chat/openai/openai-text.chunks.txt');
    const { tap, forwarded } = replay(body, true);
    const expected =
      lines
        .slice(0, -1)
        .map((line) => `data: ${line}\n\n`)
        .join('') + 'data: [DONE]\n\n';
    expect(forwarded.join('')).toBe(expected);
    expect(tap.usage?.outputTokens.total).toBe(300);
  });

  it('gives identical results whole and byte by byte', () => {
    const body = openAiChatStreamBody('openai-chat/groq/groq-tool-call.chunks.txt');
    const whole = replay(body, true);
    const bytewise = replay(body, true, 1);
    expect(bytewise.forwarded).toEqual(whole.forwarded);
    expect(bytewise.tap.usage).toEqual(whole.tap.usage);
    expect([...bytewise.tap.finishReasons.values()]).toEqual(['tool_calls']);
  });

  it('keeps usage that arrives on a content chunk (Mistral, Groq) and never drops that chunk', () => {
    const body = openAiChatStreamBody('mistral-chat/mistral-text.chunks.txt');
    const { tap, forwarded } = replay(body, true);
    expect(forwarded.join('')).toBe(body);
    expect(tap.usage).toEqual({ inputTokens: { total: 13 }, outputTokens: { total: 8 } });
  });

  it('reads DeepSeek reasoning and cache usage', () => {
    const { tap } = replay(
      openAiChatStreamBody('openai-chat/deepseek/deepseek-reasoning.chunks.txt'),
      false,
    );
    expect(tap.usage?.outputTokens.reasoning).toBeGreaterThan(0);
    expect(tap.usage?.inputTokens.total).toBeGreaterThan(0);
  });

  it('accepts a stream that ends without [DONE] once a finish reason arrived', () => {
    const { tap, outputs } = replay(
      openAiChatStreamBody('openai-chat/xai/xai-text.chunks.txt', { done: false }),
      false,
    );
    expect(outputs.some((output) => output.kind === 'fail')).toBe(false);
    expect(tap.sawDone).toBe(false);
    expect(tap.complete).toBe(true);
  });
});

describe('OpenAiChatStreamTap on broken streams', () => {
  it('fails on a chunk that is not JSON', () => {
    const tap = new OpenAiChatStreamTap({ stripUsageChunk: false });
    const output = tap.push({
      kind: 'event',
      event: undefined,
      data: '{"choices": [',
      id: undefined,
    });
    expect(output.kind).toBe('fail');
    expect(output.kind === 'fail' ? output.error.code : '').toBe(
      'SB_ERR_UPSTREAM_INVALID_RESPONSE',
    );
  });

  it('fails on an upstream error chunk without passing its text on', () => {
    const tap = new OpenAiChatStreamTap({ stripUsageChunk: false });
    const output = tap.push({
      kind: 'event',
      event: undefined,
      data: '{"error":{"message":"internal secret sk-live-123","type":"server_error"}}',
      id: undefined,
    });
    expect(output.kind).toBe('fail');
    expect(JSON.stringify(output)).not.toContain('sk-live-123');
  });

  it('forwards keep-alive comments', () => {
    const tap = new OpenAiChatStreamTap({ stripUsageChunk: false });
    expect(tap.push({ kind: 'comment', text: ' keep-alive' })).toEqual({
      kind: 'forward',
      text: ': keep-alive\n\n',
    });
    expect(tap.forwardedEvents).toBe(0);
  });

  it('fails on an error object with "object": "error" (Mistral, vLLM)', () => {
    const tap = new OpenAiChatStreamTap({ stripUsageChunk: false });
    const output = tap.push({
      kind: 'event',
      event: undefined,
      data: '{"object":"error","message":"secret","type":"internal_error","code":500}',
      id: undefined,
    });
    expect(output.kind === 'fail' ? output.error.code : output.kind).toBe('SB_ERR_UPSTREAM_ERROR');
  });
});

describe('OpenAiChatStreamTap on provider quirks', () => {
  it("does not count preamble chunks (Azure's prompt filter, a role chunk) as content", () => {
    const body =
      'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}\n\n' +
      'data: {"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}]}\n\n';
    const { tap, forwarded } = replay(body, false);
    expect(forwarded.join('')).toBe(body);
    expect(tap.forwardedEvents).toBe(0);
    const content = replay(
      body +
        'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\n' +
        'data: {"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0}]}}]}\n\n' +
        'data: {"id":"c","choices":["junk",{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
        'data: {"id":"c","choices":{}}\n\n',
      false,
    );
    expect(content.tap.forwardedEvents).toBe(3);
  });

  it("reads Groq's usage from x_groq when the chunk has no usage of its own", () => {
    const { tap } = replay(
      'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":45,"completion_tokens":5,"total_tokens":50}}}\n\n',
      true,
    );
    expect(tap.usage).toEqual({ inputTokens: { total: 45 }, outputTokens: { total: 5 } });
  });

  it("counts xAI's reasoning tokens into the output tokens", () => {
    const { tap } = replay(openAiChatStreamBody('openai-chat/xai/xai-text.chunks.txt'), false);
    expect(tap.usage).toEqual({
      inputTokens: { total: 12, cacheRead: 11 },
      outputTokens: { total: 291, reasoning: 290 },
    });
  });
});
