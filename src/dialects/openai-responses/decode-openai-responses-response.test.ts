import { describe, expect, it } from 'vitest';
import { listRecordings, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { decodeOpenAiResponsesResponse } from './decode-openai-responses-response.ts';
import { openAiResponsesCodec } from './openai-responses-codec.ts';

const errorBody = 'openai-responses/openai/openai-error.1.json';
const bodies = [
  ...listRecordings('openai-responses/openai', '.json'),
  ...listRecordings('openai-responses/xai', '.json'),
  ...listRecordings('azure-openai', '.json'),
].filter((file) => file !== errorBody);

function read(file: string): unknown {
  const parsed = safeParseJson(readRecordingText(file));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('decodeOpenAiResponsesResponse on every recorded body', () => {
  it.each(bodies)('%s decodes', (file) => {
    const response = decodeOpenAiResponsesResponse(read(file));
    expect(response.choices).toHaveLength(1);
    expect(response.id.length).toBeGreaterThan(0);
    expect(response.created).toBeGreaterThan(0);
    expect(response.usage?.inputTokens.total).toBeGreaterThan(0);
    expect(response.usage?.outputTokens.total).toBeGreaterThan(0);
  });

  it('refuses the recorded error body as an answer, and reads its facts', () => {
    expect(() => decodeOpenAiResponsesResponse(read(errorBody))).toThrow(GatewayError);
    expect(openAiResponsesCodec.readErrorFacts(readRecordingText(errorBody))).toEqual({
      code: 'insufficient_quota',
      param: undefined,
    });
  });

  it('reads reasoning with its encrypted content and the final text', () => {
    const response = decodeOpenAiResponsesResponse(
      read('openai-responses/openai/openai-reasoning-encrypted-content.1.json'),
    );
    const [reasoning, text] = response.choices[0]?.content ?? [];
    expect(reasoning).toMatchObject({
      type: 'reasoning',
      text: expect.stringMatching(/^\*\*Reporting final result\*\*/) as unknown,
      signature: expect.stringMatching(/^gAAAAA/) as unknown,
    });
    expect(text).toEqual({
      type: 'text',
      text: '12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570',
    });
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'stop', raw: 'completed' });
    expect(response.usage).toEqual({
      inputTokens: { total: 865, cacheRead: 0 },
      outputTokens: { total: 163, reasoning: 128 },
    });
  });

  it('reads function calls as tool calls with a tool-calls finish', () => {
    const response = decodeOpenAiResponsesResponse(
      read('openai-responses/openai/openai-client-tool-search.2.json'),
    );
    expect(response.choices[0]?.content).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_/) as unknown,
        name: 'get_weather',
        arguments: '{"location":"San Francisco, CA","unit":"fahrenheit"}',
      },
    ]);
    expect(response.choices[0]?.finishReason.unified).toBe('tool-calls');
  });

  it('leaves out built-in tool items and empty reasoning, keeping the text', () => {
    const web = decodeOpenAiResponsesResponse(
      read('openai-responses/openai/openai-web-search-tool.1.json'),
    );
    expect(web.choices[0]?.content.map((part) => part.type)).toEqual(['text']);
    expect(web.usage?.inputTokens.cacheRead).toBe(3712);
    const xai = decodeOpenAiResponsesResponse(
      read('openai-responses/xai/xai-code-execution-tool.1.json'),
    );
    expect(xai.choices[0]?.content).toEqual([{ type: 'text', text: '55' }]);
    const patch = decodeOpenAiResponsesResponse(
      read('openai-responses/openai/openai-apply-patch-tool.1.json'),
    );
    expect(patch.choices[0]?.content).toEqual([]);
    expect(patch.choices[0]?.finishReason.unified).toBe('stop');
  });

  it('maps incomplete answers, refusals and unusual items', () => {
    const response = decodeOpenAiResponsesResponse({
      id: 'resp_1',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        'junk',
        { type: 'message', content: 'not a list' },
        {
          type: 'message',
          content: [{ type: 'refusal', refusal: 'No.' }, { type: 'output_text', text: '' }, 7],
        },
        { type: 'function_call', call_id: 7, name: 'f', arguments: '' },
        { type: 'function_call', call_id: 'c', arguments: '{}' },
        { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'raw' }] },
      ],
      usage: { input_tokens: -1, output_tokens: 'x' },
    });
    expect(response.choices[0]?.content).toEqual([
      { type: 'refusal', text: 'No.' },
      { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'reasoning', text: 'raw' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({
      unified: 'length',
      raw: 'max_output_tokens',
    });
    expect(response.usage).toBeUndefined();
    expect(response.model).toBe('');
    expect(response.created).toBeUndefined();
  });

  it('throws for a body that is not a finished response', () => {
    expect(() => decodeOpenAiResponsesResponse([])).toThrow(GatewayError);
    expect(() => decodeOpenAiResponsesResponse({ id: 'x' })).toThrow(
      expect.objectContaining({ code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' }),
    );
    for (const status of ['failed', 'cancelled']) {
      expect(() => decodeOpenAiResponsesResponse({ status, output: [] })).toThrow(
        expect.objectContaining({ code: 'SB_ERR_UPSTREAM_ERROR' }),
      );
    }
    expect(() => decodeOpenAiResponsesResponse({ status: 'queued', output: [] })).toThrow(
      expect.objectContaining({ code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' }),
    );
    expect(
      decodeOpenAiResponsesResponse({ status: 'weird', output: [] }).choices[0]?.finishReason,
    ).toEqual({ unified: 'other', raw: 'weird' });
  });
});
