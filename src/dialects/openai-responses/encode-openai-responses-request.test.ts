import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { openAiResponsesCodec } from './openai-responses-codec.ts';

const options: EgressOptions = {
  upstreamModel: 'gpt-5-mini',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: false,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

const { egress } = openAiResponsesCodec;

function encode(fields: Partial<ChatRequest>, overrides: Partial<EgressOptions> = {}) {
  const request = createChatRequest({
    model: 'alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    ...fields,
  });
  const frozen = structuredClone(request);
  const body = egress.encodeRequest(request, { ...options, ...overrides });
  expect(request).toEqual(frozen);
  return body;
}

const weather = {
  name: 'weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('encodeOpenAiResponsesRequest', () => {
  it('writes a stateless text request', () => {
    expect(
      encode({
        system: [
          { type: 'text', text: 'Be brief.' },
          { type: 'text', text: 'Be kind.' },
        ],
        maxOutputTokens: 100,
        temperature: 0.5,
        topP: 0.9,
        user: 'u-1',
        metadata: { trace: 't' },
        stream: true,
      }),
    ).toEqual({
      model: 'gpt-5-mini',
      instructions: 'Be brief.\n\nBe kind.',
      input: [{ role: 'user', content: 'Hi' }],
      store: false,
      max_output_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      user: 'u-1',
      metadata: { trace: 't' },
      stream: true,
    });
  });

  it('leaves out model and stream where the URL says them, and adds variant fields', () => {
    const body = encode(
      { stream: true },
      { modelInBody: false, streamInBody: false, bodyFields: { extra: 1 } },
    );
    expect(body).toEqual({ input: [{ role: 'user', content: 'Hi' }], store: false, extra: 1 });
    expect(encode({ stream: false })).not.toHaveProperty('stream');
  });

  it('raises an output limit below the minimum of 16', () => {
    expect(encode({ maxOutputTokens: 5 }).max_output_tokens).toBe(16);
  });

  it('writes images and files as input parts', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image', source: { kind: 'url', url: 'https://x/cat.png' }, detail: 'low' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVB' } },
            { type: 'image', source: { kind: 'file-id', fileId: 'file-1' } },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVB' },
            },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'text/csv', data: 'YSxi' },
              filename: 'data.csv',
            },
            { type: 'file', source: { kind: 'base64', mediaType: 'text/plain', data: 'eA' } },
            { type: 'file', source: { kind: 'file-id', fileId: 'file-2' } },
            { type: 'file', source: { kind: 'url', url: 'https://x/doc.pdf' } },
          ],
        },
      ],
    });
    expect(body.input).toEqual([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Look' },
          { type: 'input_image', image_url: 'https://x/cat.png', detail: 'low' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVB', detail: 'auto' },
          { type: 'input_image', file_id: 'file-1', detail: 'auto' },
          {
            type: 'input_file',
            filename: 'document.pdf',
            file_data: 'data:application/pdf;base64,JVB',
          },
          { type: 'input_file', filename: 'data.csv', file_data: 'data:text/csv;base64,YSxi' },
          { type: 'input_file', filename: 'file', file_data: 'data:text/plain;base64,eA' },
          { type: 'input_file', file_id: 'file-2' },
          { type: 'input_file', file_url: 'https://x/doc.pdf' },
        ],
      },
    ]);
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [{ type: 'required' }, 'required'],
    [
      { type: 'tool', name: 'weather' },
      { type: 'function', name: 'weather' },
    ],
  ] as const)('writes function tools and the tool choice %j', (toolChoice, expected) => {
    const body = encode({
      tools: [weather, { ...weather, name: 'strict', strict: true }],
      toolChoice,
    });
    expect(body.tools).toEqual([
      { type: 'function', ...weather, strict: false },
      { type: 'function', ...weather, name: 'strict', strict: true },
    ]);
    expect(body.tool_choice).toEqual(expected);
  });

  it('writes a tool-call turn with parallel calls, their results and signed reasoning', () => {
    const body = encode({
      parallelToolCalls: true,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Two cities.', signature: 'gAAAAENC' },
            { type: 'reasoning', text: 'Anthropic-style thought without signature' },
            { type: 'redacted-reasoning', data: 'REDACTED' },
            { type: 'text', text: 'Checking ' },
            { type: 'refusal', text: 'both.' },
            { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
            { type: 'tool-call', id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
            { type: 'reasoning', text: '', signature: 'gAAAAONLY' },
            { type: 'text', text: 'Done.' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              content: [{ type: 'text', text: '12°C' }],
            },
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              isError: true,
              content: [
                { type: 'text', text: 'see map' },
                { type: 'image', source: { kind: 'url', url: 'https://x/map.png' } },
              ],
            },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'Answer in one line.' }] },
      ],
    });
    expect(body.parallel_tool_calls).toBe(true);
    expect(body.include).toEqual(['reasoning.encrypted_content']);
    expect(body.input).toEqual([
      { role: 'user', content: 'Weather in Oslo and Rome?' },
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Two cities.' }],
        encrypted_content: 'gAAAAENC',
      },
      { role: 'assistant', content: 'Checking both.' },
      { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call', call_id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
      { type: 'reasoning', summary: [], encrypted_content: 'gAAAAONLY' },
      { role: 'assistant', content: 'Done.' },
      { type: 'function_call_output', call_id: 'call_1', output: '12°C' },
      {
        type: 'function_call_output',
        call_id: 'call_2',
        output: [
          { type: 'input_text', text: 'see map' },
          { type: 'input_image', image_url: 'https://x/map.png', detail: 'auto' },
        ],
      },
      { role: 'system', content: 'Answer in one line.' },
    ]);
  });

  it('writes JSON output formats', () => {
    expect(
      encode({
        responseFormat: {
          type: 'json-schema',
          name: 'answer',
          schema: { type: 'object' },
          strict: true,
          description: 'The answer',
        },
      }).text,
    ).toEqual({
      format: {
        type: 'json_schema',
        name: 'answer',
        schema: { type: 'object' },
        strict: true,
        description: 'The answer',
      },
    });
    expect(encode({ responseFormat: { type: 'json-schema', name: 'a', schema: {} } }).text).toEqual(
      { format: { type: 'json_schema', name: 'a', schema: {} } },
    );
    expect(encode({ responseFormat: { type: 'json-object' } }).text).toEqual({
      format: { type: 'json_object' },
    });
    expect(encode({ responseFormat: { type: 'text' } }).text).toEqual({ format: { type: 'text' } });
  });

  it('writes reasoning settings and asks for encrypted reasoning only with reasoning', () => {
    expect(encode({ reasoning: { effort: 'minimal' } })).toMatchObject({
      reasoning: { effort: 'minimal' },
      include: ['reasoning.encrypted_content'],
    });
    expect(encode({ reasoning: { budgetTokens: 4000 } }).reasoning).toEqual({ effort: 'medium' });
    const off = encode({ reasoning: { disabled: true } });
    expect(off).not.toHaveProperty('reasoning');
    expect(off).not.toHaveProperty('include');
    expect(encode({})).not.toHaveProperty('include');
  });
});

describe('unsupportedOpenAiResponsesParameters', () => {
  it('names what the Responses API cannot express', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [],
      choices: 2,
      seed: 1,
      stopSequences: ['END'],
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      topK: 5,
    });
    expect(egress.unsupportedParameters(request)).toEqual([
      'n',
      'seed',
      'stop',
      'frequency_penalty',
      'presence_penalty',
      'top_k',
    ]);
    expect(
      egress.unsupportedParameters(createChatRequest({ model: 'm', messages: [], choices: 1 })),
    ).toEqual([]);
  });
});
