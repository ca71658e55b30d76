import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  effortForReasoning,
  encodeOpenAiChatRequest,
  unsupportedOpenAiChatParameters,
} from './encode-openai-chat-request.ts';

const options: EgressOptions = {
  upstreamModel: 'gpt-4o',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: true,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

const hello = { role: 'user', content: [{ type: 'text', text: 'Hello' }] } as const;

function encode(fields: Partial<ChatRequest>, overrides: Partial<EgressOptions> = {}) {
  return encodeOpenAiChatRequest(
    createChatRequest({ model: 'alias', messages: [hello], ...fields }),
    { ...options, ...overrides },
  );
}

describe('encodeOpenAiChatRequest', () => {
  it('writes a text conversation with the system text first', () => {
    expect(
      encode({
        system: [
          { type: 'text', text: 'Be ' },
          { type: 'text', text: 'brief.' },
        ],
        messages: [
          hello,
          { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }] },
          { role: 'system', content: [{ type: 'text', text: 'Now French.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Bonjour' }] },
        ],
      }),
    ).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi!' },
        { role: 'system', content: 'Now French.' },
        { role: 'user', content: 'Bonjour' },
      ],
    });
  });

  it('writes images and files as content parts', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            {
              type: 'image',
              source: { kind: 'url', url: 'https://example.com/a.png' },
              detail: 'low',
            },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' },
              filename: 'a.pdf',
            },
            { type: 'file', source: { kind: 'url', url: 'https://example.com/b.pdf' } },
            { type: 'file', source: { kind: 'file-id', fileId: 'file-123' } },
            { type: 'image', source: { kind: 'file-id', fileId: 'file-456' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          {
            type: 'file',
            file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' },
          },
          { type: 'file', file: { file_data: 'https://example.com/b.pdf' } },
          { type: 'file', file: { file_id: 'file-123' } },
          { type: 'image_url', image_url: { url: 'file-456' } },
        ],
      },
    ]);
  });

  it('writes tools, every tool choice and parallel_tool_calls', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true },
      { name: 'bare', parameters: {} },
    ];
    const body = encode({ tools, toolChoice: { type: 'auto' }, parallelToolCalls: false });
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object' },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'bare', parameters: {} } },
    ]);
    expect(body.tool_choice).toBe('auto');
    expect(body.parallel_tool_calls).toBe(false);
    expect(encode({ tools, toolChoice: { type: 'none' } }).tool_choice).toBe('none');
    expect(encode({ tools, toolChoice: { type: 'required' } }).tool_choice).toBe('required');
    expect(encode({ tools, toolChoice: { type: 'tool', name: 'bare' } }).tool_choice).toEqual({
      type: 'function',
      function: { name: 'bare' },
    });
    expect(encode({})).not.toHaveProperty('tools');
  });

  it('writes parallel tool calls and their results, dropping reasoning, keeping refusals', () => {
    const body = encode({
      messages: [
        hello,
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Think.', signature: 'sig' },
            { type: 'redacted-reasoning', data: 'opaque' },
            { type: 'refusal', text: 'Not that.' },
            { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '21' }] },
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              content: [
                { type: 'text', text: '2' },
                { type: 'image', source: { kind: 'url', url: 'https://example.com/x.png' } },
                { type: 'text', text: '5' },
              ],
            },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        content: null,
        refusal: 'Not that.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '21' },
      { role: 'tool', tool_call_id: 'call_2', content: '25' },
    ]);
  });

  it('writes every response format', () => {
    expect(
      encode({
        responseFormat: {
          type: 'json-schema',
          name: 'answer',
          schema: { type: 'object' },
          strict: true,
          description: 'The answer',
        },
      }).response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'answer',
        schema: { type: 'object' },
        strict: true,
        description: 'The answer',
      },
    });
    expect(
      encode({ responseFormat: { type: 'json-schema', name: 'a', schema: {} } }).response_format,
    ).toEqual({ type: 'json_schema', json_schema: { name: 'a', schema: {} } });
    expect(encode({ responseFormat: { type: 'json-object' } }).response_format).toEqual({
      type: 'json_object',
    });
    expect(encode({ responseFormat: { type: 'text' } }).response_format).toEqual({ type: 'text' });
  });

  it('expresses reasoning settings as an effort level', () => {
    expect(encode({ reasoning: { effort: 'minimal' } }).reasoning_effort).toBe('minimal');
    expect(encode({ reasoning: { budgetTokens: 1024 } }).reasoning_effort).toBe('low');
    expect(encode({ reasoning: { budgetTokens: 8192 } }).reasoning_effort).toBe('medium');
    expect(encode({ reasoning: { budgetTokens: 8193 } }).reasoning_effort).toBe('high');
    expect(encode({ reasoning: { disabled: true, effort: 'high' } })).not.toHaveProperty(
      'reasoning_effort',
    );
    expect(encode({ reasoning: {} })).not.toHaveProperty('reasoning_effort');
    expect(effortForReasoning({ effort: 'low', budgetTokens: 99_999 })).toBe('low');
  });

  it('writes sampling, limits, stop sequences, choices and the end user', () => {
    const fields = {
      maxOutputTokens: 256,
      temperature: 0.5,
      topP: 0.9,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      seed: 42,
      stopSequences: ['END', 'STOP'],
      choices: 2,
      user: 'user-1',
    };
    expect(encode(fields)).toMatchObject({
      max_completion_tokens: 256,
      temperature: 0.5,
      top_p: 0.9,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      seed: 42,
      stop: ['END', 'STOP'],
      n: 2,
      user: 'user-1',
    });
    const legacy = encode(fields, { maxTokensField: 'max_tokens' });
    expect(legacy.max_tokens).toBe(256);
    expect(legacy).not.toHaveProperty('max_completion_tokens');
  });

  it('asks for stream usage only when streaming and asked to', () => {
    expect(encode({ stream: true })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const quiet = encode({ stream: true }, { requestStreamUsage: false });
    expect(quiet.stream).toBe(true);
    expect(quiet).not.toHaveProperty('stream_options');
    expect(encode({})).not.toHaveProperty('stream');
  });

  it('leaves the model out when the URL names it, and lets variant fields win', () => {
    const body = encode(
      { temperature: 1 },
      { modelInBody: false, bodyFields: { temperature: 0, extra: true } },
    );
    expect(body).not.toHaveProperty('model');
    expect(body).toMatchObject({ temperature: 0, extra: true });
  });

  it('never changes the request it encodes', () => {
    const request = createChatRequest({
      model: 'alias',
      messages: [
        hello,
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' }],
        },
      ],
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      stopSequences: ['x'],
    });
    const copy = structuredClone(request);
    encodeOpenAiChatRequest(request, options);
    expect(request).toEqual(copy);
  });
});

describe('unsupportedOpenAiChatParameters', () => {
  it('names top_k, images in tool results, images given by file id and files given by URL', () => {
    expect(
      unsupportedOpenAiChatParameters(
        createChatRequest({
          model: 'm',
          topK: 5,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { kind: 'file-id', fileId: 'f' } },
                { type: 'file', source: { kind: 'url', url: 'https://example.com/b.pdf' } },
              ],
            },
            {
              role: 'tool',
              content: [
                {
                  type: 'tool-result',
                  toolCallId: 'c',
                  content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }],
                },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      'top_k',
      'messages[0] (image given by file id)',
      'messages[0] (file given by URL)',
      'messages[1] (image in a tool result)',
    ]);
    expect(
      unsupportedOpenAiChatParameters(createChatRequest({ model: 'm', messages: [hello] })),
    ).toEqual([]);
  });
});
