import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { cohereChatCodec } from './cohere-chat-codec.ts';

function decodeRecording(path: string) {
  const parsed = safeParseJson(readRecordingText(path));
  if (!parsed.ok) throw new Error(parsed.message);
  return cohereChatCodec.egress.decodeResponse(parsed.value);
}

describe('decodeCohereChatResponse on recorded bodies', () => {
  it('decodes the tool plan and two parallel tool calls (cohere-tool-call.json)', () => {
    expect(decodeRecording('cohere-chat/cohere-tool-call.json')).toEqual({
      id: 'f201af17-e24a-4396-8f6a-98e8bf9c3432',
      model: '',
      created: undefined,
      choices: [
        {
          index: 0,
          content: [
            {
              type: 'text',
              text: 'I will use the weather tool to find out the weather in San Francisco. I will also use the cityAttractions tool to find out what attractions are in San Francisco.',
            },
            {
              type: 'tool-call',
              id: 'weather_dqgshstja6p9',
              name: 'weather',
              arguments: '{"location":"San Francisco"}',
            },
            {
              type: 'tool-call',
              id: 'cityAttractions_dcxfx4myvx68',
              name: 'cityAttractions',
              arguments: '{"city":"San Francisco"}',
            },
          ],
          finishReason: { unified: 'tool-calls', raw: 'TOOL_CALL' },
        },
      ],
      usage: { inputTokens: { total: 1549, cacheRead: 992 }, outputTokens: { total: 103 } },
    });
  });

  it('decodes thinking as reasoning, then the text (cohere-reasoning.json)', () => {
    const response = decodeRecording('cohere-chat/cohere-reasoning.json');
    expect(response.choices[0]?.content).toEqual([
      {
        type: 'reasoning',
        text: 'Okay, so I need to figure out what 2 + 2 is. Let me start by recalling what addition means.',
      },
      { type: 'text', text: '2 + 2 = 4' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'stop', raw: 'COMPLETE' });
    expect(response.usage).toEqual({
      inputTokens: { total: 1394, cacheRead: 1344 },
      outputTokens: { total: 582 },
    });
  });

  it('turns the arguments "null" of a no-argument tool into "{}" (cohere-null-args.json)', () => {
    const response = decodeRecording('cohere-chat/cohere-null-args.json');
    expect(response.choices[0]?.content).toEqual([
      { type: 'text', text: 'I will use the currentTime tool to find the current time.' },
      { type: 'tool-call', id: 'currentTime_tf4dywn8wgnk', name: 'currentTime', arguments: '{}' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: { total: 1445, cacheRead: 992 },
      outputTokens: { total: 43 },
    });
  });
});

describe('decodeCohereChatResponse on unusual bodies', () => {
  const decode = (body: unknown) => cohereChatCodec.egress.decodeResponse(body);

  it('throws an invalid-response error for a body that is not an answer', () => {
    for (const body of [null, 'text', [], { id: 'x' }, { message: 'hi' }]) {
      expect(() => decode(body)).toThrow(GatewayError);
      try {
        decode(body);
      } catch (error) {
        expect((error as GatewayError).code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
      }
    }
  });

  it('accepts a minimal message and fills what is missing', () => {
    expect(decode({ message: { role: 'assistant' } })).toEqual({
      id: '',
      model: '',
      created: undefined,
      choices: [{ index: 0, content: [], finishReason: { unified: 'other', raw: undefined } }],
      usage: undefined,
    });
  });

  it('reads string content, skips empty and unknown blocks, and maps every finish reason', () => {
    expect(decode({ message: { content: 'plain' } }).choices[0]?.content).toEqual([
      { type: 'text', text: 'plain' },
    ]);
    expect(decode({ message: { content: '' } }).choices[0]?.content).toEqual([]);
    expect(
      decode({
        message: {
          content: [
            { type: 'text', text: '' },
            { type: 'thinking', thinking: '' },
            { type: 'image_url' },
            'junk',
          ],
        },
      }).choices[0]?.content,
    ).toEqual([]);
    const reasons = [
      'COMPLETE',
      'STOP_SEQUENCE',
      'MAX_TOKENS',
      'TOOL_CALL',
      'ERROR',
      'TIMEOUT',
      'NEW',
    ];
    expect(
      reasons.map((raw) => decode({ message: {}, finish_reason: raw }).choices[0]?.finishReason),
    ).toEqual([
      { unified: 'stop', raw: 'COMPLETE' },
      { unified: 'stop', raw: 'STOP_SEQUENCE' },
      { unified: 'length', raw: 'MAX_TOKENS' },
      { unified: 'tool-calls', raw: 'TOOL_CALL' },
      { unified: 'error', raw: 'ERROR' },
      { unified: 'other', raw: 'TIMEOUT' },
      { unified: 'other', raw: 'NEW' },
    ]);
  });

  it('tolerates tool calls with object, missing or blank arguments and skips broken ones', () => {
    const response = decode({
      message: {
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: { q: 1 } } },
          { type: 'function', function: { name: 'g' } },
          { id: 'c', function: { name: 'h', arguments: '  ' } },
          { id: 'd', function: { arguments: '{}' } },
          { id: 'e' },
          'junk',
        ],
      },
    });
    expect(response.choices[0]?.content).toEqual([
      { type: 'tool-call', id: 'a', name: 'f', arguments: '{"q":1}' },
      { type: 'tool-call', id: 'call_1', name: 'g', arguments: '{}' },
      { type: 'tool-call', id: 'c', name: 'h', arguments: '{}' },
    ]);
  });

  it('does not change its input', () => {
    const body = {
      id: 'x',
      message: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: 'null' } }] },
    };
    const copy = structuredClone(body);
    decode(Object.freeze(body));
    expect(body).toEqual(copy);
  });
});

describe('cohereChatCodec', () => {
  it('is an egress-only SSE dialect', () => {
    expect(cohereChatCodec.id).toBe('cohere-chat');
    expect(cohereChatCodec.ingress).toBeUndefined();
    expect(cohereChatCodec.passThrough).toBeUndefined();
    expect(cohereChatCodec.egress.framing).toBe('sse');
    expect(cohereChatCodec.egress.createStreamDecoder()).not.toBe(
      cohereChatCodec.egress.createStreamDecoder(),
    );
  });
});
