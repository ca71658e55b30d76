import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { openAiResponsesIngress } from './openai-responses-codec.ts';

function canonical(body: object): ChatRequest {
  return openAiResponsesIngress.toChatRequest(
    openAiResponsesIngress.decodeRequest(JSON.stringify(body), 'chat'),
  );
}

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
}

const base = { model: 'gpt-5', input: 'Hi' };

describe('openAiResponsesToCanonical', () => {
  it('maps a realistic request with every feature', () => {
    const request = canonical({
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this picture and this file?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'high' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBOR' },
            { type: 'input_image', file_id: 'file-img', detail: 'original' },
            {
              type: 'input_file',
              file_data: 'data:application/pdf;base64,JVBER',
              filename: 'a.pdf',
            },
            { type: 'input_file', file_data: 'JVBER' },
            { type: 'input_file', file_id: 'file-doc' },
            { type: 'input_file', file_url: 'https://example.com/b.pdf' },
          ],
        },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [
            { type: 'summary_text', text: 'Look first.' },
            { type: 'summary_text', text: 'Then answer.' },
          ],
          encrypted_content: 'gAAAAENC',
        },
        {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          status: 'completed',
          content: [
            { type: 'output_text', text: 'A cat.', annotations: [] },
            { type: 'refusal', refusal: 'No file reading.' },
          ],
        },
        {
          type: 'function_call',
          id: 'fc_1',
          call_id: 'call_1',
          name: 'weather',
          arguments: '{"city":"Oslo"}',
        },
        { type: 'function_call', call_id: 'call_2', name: 'time' },
        { type: 'function_call_output', call_id: 'call_1', output: '12°C' },
        {
          type: 'function_call_output',
          call_id: 'call_2',
          output: [
            { type: 'input_text', text: 'noon' },
            { type: 'input_image', image_url: 'https://example.com/clock.png' },
          ],
        },
        { type: 'reasoning', id: 'rs_stored', summary: [] },
        { role: 'system', content: [{ type: 'input_text', text: 'Now answer.' }] },
        { role: 'assistant', content: 'Working on it.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          name: 'weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
        { type: 'function', name: 'time', parameters: null, strict: null },
      ],
      tool_choice: { type: 'function', name: 'weather' },
      parallel_tool_calls: false,
      text: {
        format: {
          type: 'json_schema',
          name: 'answer',
          schema: { type: 'object' },
          strict: true,
          description: 'The answer',
        },
        verbosity: 'low',
      },
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      safety_identifier: 'user-7',
      metadata: { trace: 'abc', count: 3 },
      stream: true,
      store: true,
      include: ['reasoning.encrypted_content'],
      service_tier: 'auto',
      prompt_cache_key: 'k',
      truncation: 'auto',
      previous_response_id: null,
      background: false,
      top_logprobs: 2,
      max_tool_calls: null,
    });
    expect(request).toEqual({
      model: 'gpt-5',
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use metric units.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture and this file?' },
            {
              type: 'image',
              source: { kind: 'url', url: 'https://example.com/cat.png' },
              detail: 'high',
            },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { kind: 'file-id', fileId: 'file-img' } },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' },
              filename: 'a.pdf',
            },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' },
            },
            { type: 'file', source: { kind: 'file-id', fileId: 'file-doc' } },
            { type: 'file', source: { kind: 'url', url: 'https://example.com/b.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Look first.\n\nThen answer.', signature: 'gAAAAENC' },
            { type: 'text', text: 'A cat.' },
            { type: 'refusal', text: 'No file reading.' },
            { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
            { type: 'tool-call', id: 'call_2', name: 'time', arguments: '{}' },
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
              content: [
                { type: 'text', text: 'noon' },
                { type: 'image', source: { kind: 'url', url: 'https://example.com/clock.png' } },
              ],
            },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'Now answer.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Working on it.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
      tools: [
        {
          name: 'weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
        {
          name: 'time',
          description: undefined,
          parameters: { type: 'object', properties: {} },
          strict: undefined,
        },
      ],
      toolChoice: { type: 'tool', name: 'weather' },
      parallelToolCalls: false,
      responseFormat: {
        type: 'json-schema',
        name: 'answer',
        schema: { type: 'object' },
        strict: true,
        description: 'The answer',
      },
      reasoning: { effort: 'high' },
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      topK: undefined,
      frequencyPenalty: undefined,
      presencePenalty: undefined,
      seed: undefined,
      stopSequences: [],
      choices: undefined,
      user: 'user-7',
      metadata: { trace: 'abc' },
      stream: true,
      unmappedParameters: ['top_logprobs'],
    });
  });

  it('maps a plain string input, tool choices, formats and effort levels', () => {
    expect(canonical(base)).toMatchObject({
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      toolChoice: undefined,
      responseFormat: undefined,
      reasoning: undefined,
      stream: false,
      unmappedParameters: [],
    });
    for (const choice of ['auto', 'none', 'required'] as const) {
      expect(canonical({ ...base, tool_choice: choice }).toolChoice).toEqual({ type: choice });
    }
    expect(canonical({ ...base, text: { format: { type: 'text' } } }).responseFormat).toEqual({
      type: 'text',
    });
    expect(
      canonical({ ...base, text: { format: { type: 'json_object' } } }).responseFormat,
    ).toEqual({
      type: 'json-object',
    });
    expect(canonical({ ...base, text: { verbosity: 'high' } }).responseFormat).toBeUndefined();
    expect(
      canonical({ ...base, text: { format: { type: 'json_schema' } } }).responseFormat,
    ).toMatchObject({ type: 'json-schema', name: 'response', schema: {} });
    expect(canonical({ ...base, reasoning: { effort: 'none' } }).reasoning).toEqual({
      disabled: true,
    });
    expect(canonical({ ...base, reasoning: { effort: 'minimal' } }).reasoning).toEqual({
      effort: 'minimal',
    });
    expect(canonical({ ...base, reasoning: { effort: 'xhigh' } }).reasoning).toEqual({
      effort: 'high',
    });
    expect(canonical({ ...base, reasoning: { effort: 'max' } }).reasoning).toEqual({
      effort: 'high',
    });
    expect(canonical({ ...base, reasoning: { summary: 'auto' } }).reasoning).toBeUndefined();
    expect(canonical({ ...base, user: 'u', safety_identifier: 's' }).user).toBe('u');
    expect(canonical({ ...base, instructions: '' }).system).toEqual([]);
    expect(
      canonical({
        ...base,
        input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }],
      }).messages,
    ).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'x' }] }]);
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ conversation: { id: 'conv_1' } }, 'conversation'],
    [{ background: true }, 'background'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0]'],
    [{ tools: [{ type: 'function', name: 'f' }, { type: 'file_search' }] }, 'tools[1]'],
    [{ tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0]'],
    [{ tools: [{ type: 'mcp', server_label: 'x' }] }, 'tools[0]'],
    [{ tools: [{ type: 'computer_use_preview' }] }, 'tools[0]'],
    [{ tool_choice: { type: 'web_search_preview' } }, 'tool_choice'],
    [{ tool_choice: { type: 'allowed_tools', tools: [] } }, 'tool_choice'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    [
      {
        input: [
          { role: 'user', content: 'x' },
          { type: 'web_search_call', id: 'ws' },
        ],
      },
      'input[1]',
    ],
    [{ input: [{ type: 'compaction', encrypted_content: 'x' }] }, 'input[0]'],
    [{ input: [{ type: 7 }] }, 'input[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'system', content: [{ type: 'input_image' }] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'assistant', content: [{ type: 'input_image' }] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'critic', content: 'x' }] }, 'input[0].role'],
    [
      { input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_file' }] }] },
      'input[0].output[0]',
    ],
  ])('refuses what another provider cannot be given: %j', (fields, param) => {
    const error = refusal(() => canonical({ ...base, ...fields }));
    expect(error.code).toBe('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.publicMessage).toContain(`\`${param}\``);
  });

  it.each([
    [{ instructions: 5 }, 'instructions'],
    [{ tools: {} }, 'tools'],
    [{ tools: ['x'] }, 'tools[0]'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].name'],
    [{ text: 'json' }, 'text'],
    [{ text: { format: 'json' } }, 'text.format'],
    [{ text: { format: { type: 'yaml' } } }, 'text.format.type'],
    [{ reasoning: 'high' }, 'reasoning'],
    [{ reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
    [{ max_output_tokens: '10' }, 'max_output_tokens'],
    [{ temperature: 'hot' }, 'temperature'],
    [{ input: ['x'] }, 'input[0]'],
    [{ input: [{ role: 'user', content: 5 }] }, 'input[0].content'],
    [{ input: [{ role: 'user', content: ['x'] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image' }] }] }, 'input[0].content[0]'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file' }] }] }, 'input[0].content[0]'],
    [{ input: [{ type: 'function_call', name: 'f' }] }, 'input[0]'],
    [{ input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id'],
    [{ input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] }, 'input[0].output'],
  ])('refuses a malformed field with a 400 naming it: %j', (fields, param) => {
    const error = refusal(() => canonical({ ...base, ...fields }));
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.param).toBe(param);
  });

  it('keeps tool outputs in a row together and empty texts out', () => {
    const request = canonical({
      ...base,
      input: [
        { type: 'function_call_output', call_id: 'a', output: '' },
        { type: 'function_call_output', call_id: 'b', output: 'ok' },
        { role: 'user', content: [{ type: 'input_text' }] },
        { role: 'developer', content: [{ type: 'input_text', text: '' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: '' }, { type: 'refusal' }] },
        { type: 'reasoning', summary: 'x', content: [{ type: 'reasoning_text', text: 'raw' }, 5] },
      ],
    });
    expect(request.system).toEqual([]);
    expect(request.messages).toEqual([
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'a', content: [] },
          { type: 'tool-result', toolCallId: 'b', content: [{ type: 'text', text: 'ok' }] },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: '' }] },
      { role: 'system', content: [] },
      {
        role: 'assistant',
        content: [
          { type: 'refusal', text: '' },
          { type: 'reasoning', text: 'raw' },
        ],
      },
    ]);
  });
});
