import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';
import { mediaSourceFromUrl, openAiChatToCanonical } from './openai-chat-to-canonical.ts';

const user = { role: 'user', content: 'hi' };

function canonical(body: object): ChatRequest {
  return openAiChatToCanonical(
    decodeOpenAiRequest(JSON.stringify({ model: 'fast', messages: [user], ...body }), 'chat'),
  );
}

describe('openAiChatToCanonical: fields', () => {
  it('maps every top-level field the hub carries', () => {
    const request = canonical({
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'bare' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true, description: 'd' },
      },
      reasoning_effort: 'low',
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      frequency_penalty: 0.1,
      presence_penalty: -0.1,
      seed: 7,
      stop: ['END'],
      n: 2,
      user: 'user-1',
      metadata: { team: 'a', count: 3 },
      store: false,
      service_tier: 'auto',
      logprobs: true,
      x_future: 1,
    });
    expect(request).toEqual({
      model: 'fast',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
        {
          name: 'bare',
          description: undefined,
          parameters: { type: 'object', properties: {} },
          strict: undefined,
        },
      ],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      responseFormat: {
        type: 'json-schema',
        name: 'answer',
        schema: { type: 'object' },
        strict: true,
        description: 'd',
      },
      reasoning: { effort: 'low' },
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      topK: undefined,
      frequencyPenalty: 0.1,
      presencePenalty: -0.1,
      seed: 7,
      stopSequences: ['END'],
      choices: 2,
      user: 'user-1',
      metadata: { team: 'a' },
      stream: true,
      unmappedParameters: ['logprobs', 'x_future'],
    });
  });

  it('leaves unset and null fields undefined, and n = 1 means one answer', () => {
    const request = canonical({
      tools: null,
      tool_choice: null,
      response_format: null,
      reasoning_effort: null,
      temperature: null,
      stop: null,
      n: 1,
      max_tokens: 20,
    });
    expect(request).toMatchObject({
      tools: [],
      toolChoice: undefined,
      responseFormat: undefined,
      reasoning: undefined,
      temperature: undefined,
      stopSequences: [],
      choices: undefined,
      maxOutputTokens: 20,
      metadata: undefined,
      parallelToolCalls: undefined,
      user: undefined,
      stream: false,
    });
  });

  it('reads every tool choice, response format and stop spelling', () => {
    for (const choice of ['auto', 'none', 'required'] as const) {
      expect(canonical({ tool_choice: choice }).toolChoice).toEqual({ type: choice });
    }
    expect(canonical({ response_format: { type: 'text' } }).responseFormat).toEqual({
      type: 'text',
    });
    expect(canonical({ response_format: { type: 'json_object' } }).responseFormat).toEqual({
      type: 'json-object',
    });
    expect(
      canonical({ response_format: { type: 'json_schema', json_schema: {} } }).responseFormat,
    ).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: {},
      strict: undefined,
      description: undefined,
    });
    expect(canonical({ stop: 'END' }).stopSequences).toEqual(['END']);
  });

  it('keeps leading system and developer messages as system text, later ones in place', () => {
    const request = canonical({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        { role: 'system', content: null },
        user,
        { role: 'system', content: 'Now English.' },
      ],
    });
    expect(request.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use French.' },
    ]);
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'system', content: [{ type: 'text', text: 'Now English.' }] },
    ]);
  });

  it('reads user text, images (data URLs and URLs, with detail) and files', () => {
    const request = canonical({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,iVBOR', detail: 'high' },
            },
            { type: 'image_url', image_url: { url: 'https://example.com/a.jpg', detail: 'odd' } },
            {
              type: 'file',
              file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' },
            },
            { type: 'file', file: { file_data: 'JVBERraw' } },
            { type: 'file', file: { file_id: 'file-123' } },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look:' },
        {
          type: 'image',
          source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' },
          detail: 'high',
        },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } },
        {
          type: 'file',
          source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' },
          filename: 'a.pdf',
        },
        {
          type: 'file',
          source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERraw' },
          filename: undefined,
        },
        { type: 'file', source: { kind: 'file-id', fileId: 'file-123' }, filename: undefined },
      ],
    });
  });

  it('reads assistant reasoning, text, refusal and tool calls, and groups tool results', () => {
    const request = canonical({
      messages: [
        user,
        {
          role: 'assistant',
          reasoning_content: 'Think.',
          content: [{ type: 'text', text: 'Let me check.' }],
          refusal: 'Partly refused.',
          tool_calls: [
            { id: 'call_x1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            { type: 'function', function: { name: 'g' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_x1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'warm' }] },
        { role: 'assistant', reasoning: 'OpenRouter style.', content: null, refusal: '' },
        { role: 'tool', tool_call_id: 'call_2', content: null },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Think.' },
          { type: 'text', text: 'Let me check.' },
          { type: 'refusal', text: 'Partly refused.' },
          { type: 'tool-call', id: 'call_x1', name: 'f', arguments: '{"a":1}' },
          { type: 'tool-call', id: 'call_1', name: 'g', arguments: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_x1',
            content: [{ type: 'text', text: 'sunny' }],
          },
          { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'warm' }] },
        ],
      },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'OpenRouter style.' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', content: [] }] },
    ]);
  });

  it('treats an assistant message without tool_calls (or with null) as text only', () => {
    const request = canonical({
      messages: [user, { role: 'assistant', content: 'Hello', tool_calls: null }],
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello' }],
    });
  });

  it('parses data URLs into inline sources and leaves other URLs alone', () => {
    expect(mediaSourceFromUrl('data:image/gif;base64,R0lG')).toEqual({
      kind: 'base64',
      mediaType: 'image/gif',
      data: 'R0lG',
    });
    expect(mediaSourceFromUrl('data:text/plain,hello')).toEqual({
      kind: 'url',
      url: 'data:text/plain,hello',
    });
  });
});
