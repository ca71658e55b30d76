import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import { geminiGenerateContentCodec } from './gemini-generate-content-codec.ts';
import { unsupportedGeminiParameters } from './unsupported-gemini-generate-content-parameters.ts';

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    ...fields,
  });
}

describe('unsupportedGeminiParameters', () => {
  it('accepts everything Gemini can express', () => {
    expect(
      unsupportedGeminiParameters(
        request({
          choices: 4,
          seed: 1,
          topK: 3,
          topP: 0.5,
          temperature: 1,
          frequencyPenalty: 0.5,
          presencePenalty: 0.5,
          stopSequences: ['a', 'b', 'c', 'd', 'e'],
          parallelToolCalls: true,
          reasoning: { effort: 'high' },
          responseFormat: { type: 'json-object' },
          metadata: { a: 'b' },
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } },
                {
                  type: 'file',
                  source: { kind: 'base64', mediaType: 'application/pdf', data: 'J' },
                },
              ],
            },
            {
              role: 'assistant',
              content: [
                { type: 'tool-call', id: '1', name: 'a', arguments: '' },
                { type: 'tool-call', id: '2', name: 'b', arguments: 'null' },
                { type: 'tool-call', id: '3', name: 'c', arguments: ' {"x": 1} ' },
              ],
            },
            {
              role: 'tool',
              content: [
                { type: 'tool-result', toolCallId: '1', content: [] },
                { type: 'tool-result', toolCallId: 'elsewhere', toolName: 'd', content: [] },
              ],
            },
            { role: 'system', content: [{ type: 'text', text: 'late system' }] },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names user, parallel_tool_calls=false and more than five stop sequences', () => {
    expect(
      unsupportedGeminiParameters(
        request({
          user: 'u-1',
          parallelToolCalls: false,
          stopSequences: ['1', '2', '3', '4', '5', '6'],
        }),
      ),
    ).toEqual(['user', 'parallel_tool_calls', 'stop']);
  });

  it('names content Gemini cannot carry, by message', () => {
    expect(
      unsupportedGeminiParameters(
        request({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { kind: 'file-id', fileId: 'file-abc' } },
                { type: 'file', source: { kind: 'file-id', fileId: 'file-def' } },
              ],
            },
            { role: 'user', content: [{ type: 'file', source: { kind: 'file-id', fileId: 'f' } }] },
            {
              role: 'assistant',
              content: [
                { type: 'tool-call', id: 'b', name: 'x', arguments: '{"broken"' },
                { type: 'tool-call', id: 'a', name: 'x', arguments: '[1, 2]' },
              ],
            },
            {
              role: 'assistant',
              content: [{ type: 'tool-call', id: 'a2', name: 'x', arguments: '[1, 2]' }],
            },
            {
              role: 'tool',
              content: [
                { type: 'tool-result', toolCallId: 'unknown', content: [] },
                {
                  type: 'tool-result',
                  toolCallId: 'a',
                  content: [{ type: 'image', source: { kind: 'file-id', fileId: 'file-x' } }],
                },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      'messages[0] (image given by file id)',
      'messages[1] (file given by file id)',
      'messages[2] (tool call arguments that are not a JSON object)',
      'messages[3] (tool call arguments that are not a JSON object)',
      'messages[4] (tool result for an unknown tool call)',
      'messages[4] (image given by file id)',
    ]);
  });
});

describe('geminiGenerateContentCodec', () => {
  it('is an egress-only SSE dialect with Gemini error facts', () => {
    expect(geminiGenerateContentCodec.id).toBe('gemini-generate-content');
    expect(geminiGenerateContentCodec.ingress).toBeUndefined();
    expect(geminiGenerateContentCodec.passThrough).toBeUndefined();
    expect(geminiGenerateContentCodec.egress.framing).toBe('sse');
    expect(geminiGenerateContentCodec.egress.unsupportedParameters(request({ user: 'x' }))).toEqual(
      ['user'],
    );
    expect(geminiGenerateContentCodec.egress.createStreamDecoder().end().failure?.code).toBe(
      'SB_ERR_UPSTREAM_ERROR',
    );
    expect(
      geminiGenerateContentCodec.readErrorFacts('{"error":{"code":404,"status":"NOT_FOUND"}}'),
    ).toEqual({ code: 'NOT_FOUND', param: undefined });
  });
});
