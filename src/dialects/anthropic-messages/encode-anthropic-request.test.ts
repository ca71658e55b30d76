import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  encodeAnthropicRequest,
  unsupportedAnthropicParameters,
} from './encode-anthropic-request.ts';

const options: EgressOptions = {
  upstreamModel: 'claude-sonnet-4-5',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: false,
  maxTokensField: 'max_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

function encode(fields: Partial<ChatRequest>, overrides: Partial<EgressOptions> = {}) {
  return encodeAnthropicRequest(
    createChatRequest({
      model: 'alias',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      ...fields,
    }),
    { ...options, ...overrides },
  );
}

const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('encodeAnthropicRequest', () => {
  it('sends a plain request with the target model and a default max_tokens', () => {
    expect(encode({})).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(encode({}, { defaultMaxOutputTokens: 64_000 }).max_tokens).toBe(64_000);
    expect(encode({ maxOutputTokens: 10 }).max_tokens).toBe(10);
  });

  it('leaves the model and stream out where the URL carries them, and adds provider fields', () => {
    const body = encode(
      { stream: true },
      {
        modelInBody: false,
        streamInBody: false,
        bodyFields: { anthropic_version: 'bedrock-2023-05-31' },
      },
    );
    expect(body.model).toBeUndefined();
    expect(body.stream).toBeUndefined();
    expect(body.anthropic_version).toBe('bedrock-2023-05-31');
    expect(encode({ stream: true }).stream).toBe(true);
  });

  it('puts system text and mid-conversation system messages into system blocks, keeping cache hints', () => {
    const body = encode({
      system: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'system', content: [{ type: 'text', text: 'Now in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Again' }] },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Now in French.' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
      { role: 'user', content: [{ type: 'text', text: 'Again' }] },
    ]);
  });

  it('encodes images and documents from base64, URLs and file ids', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' },
              filename: 'a.pdf',
            },
            {
              type: 'file',
              source: {
                kind: 'base64',
                mediaType: 'text/plain',
                data: Buffer.from('plain').toString('base64'),
              },
            },
            { type: 'file', source: { kind: 'file-id', fileId: 'file_1' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
            title: 'a.pdf',
          },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
          { type: 'document', source: { type: 'file', file_id: 'file_1' } },
        ],
      },
    ]);
  });

  it('encodes tools and every tool choice, with parallel calls switched off on request', () => {
    expect(encode({ tools: [weather] }).tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: weather.parameters },
    ]);
    expect(encode({ tools: [{ ...weather, strict: true }] }).tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: weather.parameters,
        strict: true,
      },
    ]);
    expect(encode({ tools: [weather] }).tool_choice).toBeUndefined();
    expect(encode({ tools: [weather], toolChoice: { type: 'auto' } }).tool_choice).toEqual({
      type: 'auto',
    });
    expect(encode({ tools: [weather], toolChoice: { type: 'none' } }).tool_choice).toEqual({
      type: 'none',
    });
    expect(encode({ tools: [weather], toolChoice: { type: 'required' } }).tool_choice).toEqual({
      type: 'any',
    });
    expect(
      encode({ tools: [weather], toolChoice: { type: 'tool', name: 'get_weather' } }).tool_choice,
    ).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect(encode({ tools: [weather], parallelToolCalls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(
      encode({ tools: [weather], toolChoice: { type: 'required' }, parallelToolCalls: false })
        .tool_choice,
    ).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    // No tools: no tool_choice (Anthropic refuses one without tools).
    expect(encode({ toolChoice: { type: 'required' } }).tool_choice).toBeUndefined();
  });

  it('sends parallel tool calls, their results in one user turn, and makes foreign ids fit', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'unsigned thoughts' },
            { type: 'reasoning', text: 'signed', signature: 'SIG' },
            { type: 'redacted-reasoning', data: 'ENC' },
            { type: 'tool-call', id: 'call.1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'call_2', name: 'get_weather', arguments: '' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call.1',
              content: [{ type: 'text', text: 'Sunny' }],
            },
            { type: 'tool-result', toolCallId: 'call_2', content: [], isError: true },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'signed', signature: 'SIG' },
          { type: 'redacted_thinking', data: 'ENC' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'call_1',
            content: [{ type: 'text', text: 'Sunny' }],
          },
          { type: 'tool_result', tool_use_id: 'call_2', is_error: true },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('refuses tool arguments that are not a JSON object, naming the message', () => {
    const call = () =>
      encode({
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool-call', id: 'a', name: 'f', arguments: '[1' }],
          },
        ],
      });
    expect(call).toThrow(GatewayError);
    expect(call).toThrow(/messages\[0\]/);
  });

  it('encodes a JSON schema as output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      encode({ responseFormat: { type: 'json-schema', name: 'r', schema } }).output_config,
    ).toEqual({
      format: { type: 'json_schema', schema },
    });
    expect(encode({ responseFormat: { type: 'text' } }).output_config).toBeUndefined();
  });

  it('turns reasoning into a thinking budget that fits under max_tokens', () => {
    expect(encode({ reasoning: { budgetTokens: 2000 } }).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 2000,
    });
    expect(encode({ reasoning: { effort: 'high' } }).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 4095,
    });
    expect(encode({ reasoning: { effort: 'high' }, maxOutputTokens: 32_000 }).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 16_384,
    });
    expect(encode({ reasoning: { effort: 'low' }, maxOutputTokens: 500 }).thinking).toBeUndefined();
    expect(encode({ reasoning: { disabled: true } }).thinking).toEqual({ type: 'disabled' });
    expect(encode({ reasoning: {} }).thinking).toBeUndefined();
  });

  it('maps sampling, stop sequences and the end user', () => {
    const body = encode({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      user: 'u-1',
    });
    expect(body).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
    });
  });

  it('does not change the request it encodes', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'x', content: [] }] },
      ],
    });
    const copy = structuredClone(request);
    encodeAnthropicRequest(request, options);
    expect(request).toEqual(copy);
  });
});

describe('unsupportedAnthropicParameters', () => {
  it('names what the Messages API cannot express', () => {
    const request = createChatRequest({
      model: 'm',
      choices: 2,
      seed: 1,
      frequencyPenalty: 0.1,
      presencePenalty: 0.1,
      responseFormat: { type: 'json-object' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: 'AA' } },
          ],
        },
      ],
    });
    expect(unsupportedAnthropicParameters(request)).toEqual([
      'n',
      'seed',
      'frequency_penalty',
      'presence_penalty',
      'response_format',
      'messages[0] (a file type other than PDF or plain text)',
    ]);
    expect(unsupportedAnthropicParameters(createChatRequest({ model: 'm', messages: [] }))).toEqual(
      [],
    );
  });
});
