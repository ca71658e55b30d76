import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { decodeGeminiResponse } from './decode-gemini-generate-content-response.ts';
import { decodeGeminiUsage } from './decode-gemini-generate-content-usage.ts';
import { decodeGeminiFinishReason } from './map-gemini-generate-content-finish-reason.ts';

function recording(name: string): unknown {
  return JSON.parse(readRecordingText(`gemini-generate-content/${name}`)) as unknown;
}

describe('decodeGeminiResponse on recorded bodies', () => {
  it('decodes a text answer and keeps its thought signature (google-text.json)', () => {
    const response = decodeGeminiResponse(recording('google-text.json'));
    expect(response.id).toBe('Un6LacrVMcjUxs0PmJfWoQc');
    expect(response.model).toBe('gemini-3-pro-preview');
    expect(response.created).toBeUndefined();
    expect(response.choices).toHaveLength(1);
    const [choice] = response.choices;
    expect(choice?.index).toBe(0);
    expect(choice?.content).toEqual([
      {
        type: 'text',
        text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      },
      {
        type: 'reasoning',
        text: '',
        signature:
          'EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg',
      },
    ]);
    expect(choice?.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(response.usage).toEqual({
      inputTokens: { total: 9 },
      outputTokens: { total: 28 + 244, reasoning: 244 },
    });
  });

  it('counts thinking tokens as output and reasoning (google-reasoning.json)', () => {
    const response = decodeGeminiResponse(recording('google-reasoning.json'));
    expect(response.usage).toEqual({
      inputTokens: { total: 9 },
      outputTokens: { total: 29 + 282, reasoning: 282 },
    });
    expect(response.choices[0]?.content[0]?.type).toBe('text');
  });

  it('decodes a function call with a generated id and reports tool-calls (google-tool-call.json)', () => {
    const response = decodeGeminiResponse(recording('google-tool-call.json'));
    const [choice] = response.choices;
    expect(choice?.content).toHaveLength(1);
    const call = choice?.content[0];
    expect(call?.type === 'tool-call' && call.id).toBe('call_0_0');
    expect(call?.type === 'tool-call' && call.name).toBe('weather');
    expect(call?.type === 'tool-call' && JSON.parse(call.arguments)).toEqual({
      location: 'San Francisco',
    });
    expect(call?.type === 'tool-call' && call.signature?.startsWith('EskgCsYg')).toBe(true);
    expect(choice?.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(response.usage?.outputTokens).toEqual({ total: 908, reasoning: 893 });
  });
});

describe('decodeGeminiResponse on constructed bodies', () => {
  it('decodes thought summaries, merged text, several candidates and Vertex fields', () => {
    const response = decodeGeminiResponse({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Thinking', thought: true },
              { text: ' more', thought: true, thoughtSignature: 'c2ln' },
              { text: 'Hello' },
              { text: ', world' },
              { functionCall: { id: 'f-1', name: 'lookup', args: { q: 'x' } } },
              { executableCode: { code: 'print(1)' } },
            ],
          },
          finishReason: 'STOP',
        },
        { content: { parts: [{ text: 'Other' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
      usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 4, candidatesTokenCount: 5 },
      modelVersion: 'gemini-2.5-pro',
      responseId: 'resp-1',
      createTime: '2026-04-02T17:03:50.399550Z',
    });
    expect(response.created).toBe(Math.floor(Date.parse('2026-04-02T17:03:50Z') / 1000));
    expect(response.choices).toEqual([
      {
        index: 0,
        content: [
          { type: 'reasoning', text: 'Thinking more', signature: 'c2ln' },
          { type: 'text', text: 'Hello, world' },
          { type: 'tool-call', id: 'f-1', name: 'lookup', arguments: '{"q":"x"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
      },
      {
        index: 1,
        content: [{ type: 'text', text: 'Other' }],
        finishReason: { unified: 'length', raw: 'MAX_TOKENS' },
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: { total: 10, cacheRead: 4 },
      outputTokens: { total: 5 },
    });
  });

  it('gives an empty content-filter choice for a blocked prompt', () => {
    const response = decodeGeminiResponse({
      promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
      modelVersion: 'gemini-2.5-flash',
    });
    expect(response.choices).toEqual([
      { index: 0, content: [], finishReason: { unified: 'content-filter', raw: 'SAFETY' } },
    ]);
    expect(response.usage).toEqual({ inputTokens: { total: 7 }, outputTokens: { total: 0 } });
    expect(response.id).toBe('');
  });

  it('names a function call without a name with an empty name, and a candidate without finish reason other', () => {
    const response = decodeGeminiResponse({
      candidates: [{ content: { parts: [{ text: 'x' }] } }, { content: { parts: 'nope' } }],
    });
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'other', raw: undefined });
    expect(response.choices[1]).toEqual({
      index: 1,
      content: [],
      finishReason: { unified: 'other', raw: undefined },
    });
    const nameless = decodeGeminiResponse({
      candidates: [{ content: { parts: [{ functionCall: { args: [] } }] }, finishReason: 'STOP' }],
    });
    expect(nameless.choices[0]?.content).toEqual([
      { type: 'tool-call', id: 'call_0_0', name: '', arguments: '{}' },
    ]);
  });

  it.each([
    ['a string', 'not json'],
    ['an array', []],
    ['an error body', { error: { code: 500, message: 'boom', status: 'INTERNAL' } }],
    ['no candidates', { usageMetadata: { promptTokenCount: 1 } }],
    ['a candidate that is not an object', { candidates: ['x'] }],
  ])('throws an invalid-response error for %s', (_name, body) => {
    expect(() => decodeGeminiResponse(body)).toThrow(GatewayError);
    try {
      decodeGeminiResponse(body);
    } catch (error) {
      expect(error instanceof GatewayError && error.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    }
  });
});

describe('decodeGeminiFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool-calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content-filter'],
    ['RECITATION', false, 'content-filter'],
    ['BLOCKLIST', false, 'content-filter'],
    ['PROHIBITED_CONTENT', false, 'content-filter'],
    ['SPII', false, 'content-filter'],
    ['IMAGE_SAFETY', false, 'content-filter'],
    ['IMAGE_PROHIBITED_CONTENT', false, 'content-filter'],
    ['MODEL_ARMOR', false, 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['UNEXPECTED_TOOL_CALL', true, 'error'],
    ['TOO_MANY_TOOL_CALLS', true, 'error'],
    ['MISSING_THOUGHT_SIGNATURE', false, 'error'],
    ['LANGUAGE', false, 'other'],
    ['OTHER', false, 'other'],
    ['FINISH_REASON_UNSPECIFIED', false, 'other'],
    ['SOMETHING_NEW', false, 'other'],
  ] as const)('maps %s (tool calls: %s) to %s, keeping the raw value', (raw, calls, unified) => {
    expect(decodeGeminiFinishReason(raw, calls)).toEqual({ unified, raw });
  });

  it('maps a missing reason to other, or tool-calls when the candidate called tools', () => {
    expect(decodeGeminiFinishReason(undefined, false)).toEqual({
      unified: 'other',
      raw: undefined,
    });
    expect(decodeGeminiFinishReason(undefined, true)).toEqual({
      unified: 'tool-calls',
      raw: undefined,
    });
  });
});

describe('decodeGeminiUsage', () => {
  it('is undefined when nothing is counted (Vertex AI early chunks)', () => {
    expect(decodeGeminiUsage({ trafficType: 'ON_DEMAND' })).toBeUndefined();
    expect(decodeGeminiUsage(undefined)).toBeUndefined();
    expect(decodeGeminiUsage([])).toBeUndefined();
  });

  it('maps every count, cached tokens included in the input total', () => {
    expect(
      decodeGeminiUsage({
        promptTokenCount: 100,
        cachedContentTokenCount: 60,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 30,
        totalTokenCount: 150,
      }),
    ).toEqual({
      inputTokens: { total: 100, cacheRead: 60 },
      outputTokens: { total: 50, reasoning: 30 },
    });
  });

  it('treats an omitted output count as zero when the other is present', () => {
    expect(decodeGeminiUsage({ promptTokenCount: 5, thoughtsTokenCount: 12 })).toEqual({
      inputTokens: { total: 5 },
      outputTokens: { total: 12, reasoning: 12 },
    });
  });

  it('derives the output from the totals when both output counts are omitted', () => {
    expect(
      decodeGeminiUsage({ promptTokenCount: 5, toolUsePromptTokenCount: 2, totalTokenCount: 9 }),
    ).toEqual({ inputTokens: { total: 5 }, outputTokens: { total: 2 } });
    expect(decodeGeminiUsage({ totalTokenCount: 9 })).toEqual({
      inputTokens: {},
      outputTokens: {},
    });
  });

  it('ignores negative and non-numeric counts', () => {
    expect(decodeGeminiUsage({ promptTokenCount: -1, candidatesTokenCount: '3' })).toBeUndefined();
  });
});
