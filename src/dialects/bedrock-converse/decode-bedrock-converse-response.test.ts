import { describe, expect, it } from 'vitest';
import { listRecordings, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { decodeBedrockConverseResponse } from './decode-bedrock-converse-response.ts';
import { decodeBedrockConverseUsage } from './decode-bedrock-converse-usage.ts';
import { decodeBedrockConverseStopReason } from './map-bedrock-converse-stop-reason.ts';

function recording(name: string): unknown {
  const parsed = safeParseJson(readRecordingText(`bedrock-converse/${name}`));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('decodeBedrockConverseResponse on recorded bodies', () => {
  it('decodes a real text answer with zero cache counts', () => {
    expect(decodeBedrockConverseResponse(recording('amazon-bedrock-text.json'))).toEqual({
      id: '',
      model: '',
      created: undefined,
      choices: [
        {
          index: 0,
          content: [
            {
              type: 'text',
              text: 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** "r"s in "strawberry."',
            },
          ],
          finishReason: { unified: 'stop', raw: 'end_turn' },
        },
      ],
      usage: {
        inputTokens: { total: 22, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 57 },
      },
    });
  });

  it('decodes a tool call with object input as JSON arguments', () => {
    const response = decodeBedrockConverseResponse(recording('amazon-bedrock-tool-call.1.json'));
    expect(response.choices[0]?.content).toEqual([
      { type: 'tool-call', id: 'tool-use-id', name: 'bash', arguments: '{"command":"ls -l"}' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(response.usage).toEqual({ inputTokens: { total: 10 }, outputTokens: { total: 20 } });
  });

  it('decodes text then a tool without parameters', () => {
    const response = decodeBedrockConverseResponse(recording('amazon-bedrock-tool-no-args.json'));
    expect(response.choices[0]?.content).toEqual([
      { type: 'text', text: "I'll update the issue list for you." },
      { type: 'tool-call', id: 'tool-use-id', name: 'updateIssueList', arguments: '{}' },
    ]);
  });

  it('decodes nested tool input exactly', () => {
    const response = decodeBedrockConverseResponse(recording('amazon-bedrock-json-tool.1.json'));
    const call = response.choices[0]?.content[0];
    expect(call?.type).toBe('tool-call');
    const parsed = safeParseJson(call?.type === 'tool-call' ? call.arguments : '');
    expect(parsed.ok && parsed.value).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
      ],
    });
  });

  it('keeps several text blocks (with a stray "type" field) as separate parts', () => {
    const response = decodeBedrockConverseResponse(recording('amazon-bedrock-json-tool.3.json'));
    expect(response.choices[0]?.content.map((part) => part.type)).toEqual([
      'text',
      'text',
      'text',
      'tool-call',
    ]);
  });

  it('decodes parallel tool calls between text blocks', () => {
    const response = decodeBedrockConverseResponse(
      recording('amazon-bedrock-json-with-tools.1.json'),
    );
    expect(response.choices[0]?.content).toEqual([
      { type: 'text', text: 'Calling multiple tools.' },
      { type: 'tool-call', id: 'tool-1', name: 'tool-a', arguments: '{"param":"a"}' },
      { type: 'tool-call', id: 'tool-2', name: 'tool-b', arguments: '{"param":"b"}' },
      { type: 'text', text: 'Finally the JSON response.' },
      { type: 'tool-call', id: 'json-tool-id', name: 'json', arguments: '{"final":"result"}' },
    ]);
    expect(response.usage).toEqual({ inputTokens: { total: 28 }, outputTokens: { total: 62 } });
  });
});

describe('decodeBedrockConverseResponse on every recorded body', () => {
  it.each(listRecordings('bedrock-converse', '.json'))('decodes %s', (path) => {
    const parsed = safeParseJson(readRecordingText(path));
    const response = decodeBedrockConverseResponse(parsed.ok ? parsed.value : undefined);
    expect(response.choices).toHaveLength(1);
    expect(response.choices[0]?.content.length).toBeGreaterThan(0);
    expect(response.usage?.inputTokens.total).toBeGreaterThan(0);
  });
});

describe('decodeBedrockConverseResponse on constructed bodies', () => {
  it('decodes reasoning with a signature, redacted reasoning, citations and skips other blocks', () => {
    const response = decodeBedrockConverseResponse({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Thinking', signature: 'sig' } } },
            { reasoningContent: { reasoningText: { text: 'Unsigned' } } },
            { reasoningContent: { redactedContent: 'c2VjcmV0' } },
            { reasoningContent: {} },
            { citationsContent: { content: [{ text: 'Cited ' }, { text: 'text.' }, {}] } },
            { citationsContent: { content: [] } },
            { image: { format: 'png', source: { bytes: 'AAAA' } } },
            { text: '' },
            { cachePoint: { type: 'default' } },
            'not a block',
            { toolUse: { toolUseId: 't', name: 'n', input: '' } },
            { toolUse: { toolUseId: 't2', name: 'n', input: '{"a":1}' } },
            { toolUse: { toolUseId: 't3', name: 'n', input: null } },
            { toolUse: { name: 'no_id', input: {} } },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12 },
    });
    expect(response.choices[0]?.content).toEqual([
      { type: 'reasoning', text: 'Thinking', signature: 'sig' },
      { type: 'reasoning', text: 'Unsigned' },
      { type: 'redacted-reasoning', data: 'c2VjcmV0' },
      { type: 'text', text: 'Cited text.' },
      { type: 'tool-call', id: 't', name: 'n', arguments: '{}' },
      { type: 'tool-call', id: 't2', name: 'n', arguments: '{"a":1}' },
      { type: 'tool-call', id: 't3', name: 'n', arguments: '{}' },
      { type: 'tool-call', id: 'tooluse_13', name: 'no_id', arguments: '{}' },
    ]);
  });

  it.each([
    ['not an object', 'text'],
    ['no output', {}],
    ['no message', { output: {} }],
    ['no content', { output: { message: { role: 'assistant' } } }],
    [
      'a tool call without a name',
      { output: { message: { content: [{ toolUse: { toolUseId: 'x', input: {} } }] } } },
    ],
  ])('throws an invalid-response error for %s', (_name, body) => {
    expect(() => decodeBedrockConverseResponse(body)).toThrow(GatewayError);
    try {
      decodeBedrockConverseResponse(body);
    } catch (error) {
      expect(error instanceof GatewayError && error.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    }
  });

  it('leaves usage unreported when the body has none', () => {
    const response = decodeBedrockConverseResponse({
      output: { message: { content: [{ text: 'Hi' }] } },
    });
    expect(response.usage).toBeUndefined();
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'other', raw: undefined });
  });
});

describe('decodeBedrockConverseUsage', () => {
  it('adds cache reads and writes to the input total', () => {
    expect(
      decodeBedrockConverseUsage({
        inputTokens: 3,
        outputTokens: 9,
        totalTokens: 1012,
        cacheReadInputTokens: 800,
        cacheWriteInputTokens: 200,
      }),
    ).toEqual({
      inputTokens: { total: 1003, cacheRead: 800, cacheWrite: 200 },
      outputTokens: { total: 9 },
    });
  });

  it('never turns a missing or invalid count into zero', () => {
    expect(decodeBedrockConverseUsage({ outputTokens: -1, cacheReadInputTokens: 'x' })).toEqual({
      inputTokens: {},
      outputTokens: {},
    });
    expect(decodeBedrockConverseUsage({ cacheReadInputTokens: 5 })).toEqual({
      inputTokens: { cacheRead: 5 },
      outputTokens: {},
    });
    expect(decodeBedrockConverseUsage(null)).toBeUndefined();
  });
});

describe('decodeBedrockConverseStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['guardrail_intervened', 'content-filter'],
    ['content_filtered', 'content-filter'],
    ['malformed_model_output', 'error'],
    ['malformed_tool_use', 'error'],
    ['something_new', 'other'],
  ])('maps %s to %s', (raw, unified) => {
    expect(decodeBedrockConverseStopReason(raw)).toEqual({ unified, raw });
  });

  it('maps a missing stop reason to other without raw text', () => {
    expect(decodeBedrockConverseStopReason(undefined)).toEqual({
      unified: 'other',
      raw: undefined,
    });
  });
});
