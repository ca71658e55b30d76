import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { cohereChatCodec } from './cohere-chat-codec.ts';

const options: EgressOptions = {
  upstreamModel: 'command-a-03-2025',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: true,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: 4096,
};

const encode = (request: ChatRequest, egress: EgressOptions = options) =>
  cohereChatCodec.egress.encodeRequest(request, egress);
const unsupported = (request: ChatRequest) => cohereChatCodec.egress.unsupportedParameters(request);

const hello: ChatMessage = { role: 'user', content: [{ type: 'text', text: 'Hello' }] };
const weatherTool = {
  name: 'weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('encodeCohereChatRequest: text', () => {
  it('puts the model, the system text first and a plain user string', () => {
    const request = createChatRequest({
      model: 'alias',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [hello],
    });
    expect(encode(request)).toEqual({
      model: 'command-a-03-2025',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('moves mid-conversation system messages to the one leading system turn, in order', () => {
    const request = createChatRequest({
      model: 'm',
      system: [{ type: 'text', text: 'First.' }],
      messages: [
        hello,
        { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }] },
        { role: 'system', content: [{ type: 'text', text: 'Now answer in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
    });
    expect(encode(request).messages).toEqual([
      { role: 'system', content: 'First.\n\nNow answer in French.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('keeps several user text parts apart and sends an empty user turn as empty text', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'One.' },
            { type: 'text', text: 'Two.' },
          ],
        },
        { role: 'user', content: [] },
      ],
    });
    expect(encode(request).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One.' },
          { type: 'text', text: 'Two.' },
        ],
      },
      { role: 'user', content: '' },
    ]);
  });

  it('maps sampling parameters, limits, stop sequences and streaming', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [hello],
      maxOutputTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.3,
      stopSequences: ['END', 'STOP'],
      stream: true,
      metadata: { team: 'a' },
    });
    expect(encode(request)).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 300,
      temperature: 0.2,
      p: 0.9,
      k: 40,
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      stop_sequences: ['END', 'STOP'],
      stream: true,
    });
    expect(unsupported(request)).toEqual([]);
  });

  it('leaves model and stream out when the URL says them and merges provider body fields last', () => {
    const request = createChatRequest({ model: 'm', messages: [hello], stream: true });
    expect(
      encode(request, {
        ...options,
        modelInBody: false,
        streamInBody: false,
        bodyFields: { safety_mode: 'STRICT' },
      }),
    ).toEqual({ messages: [{ role: 'user', content: 'Hello' }], safety_mode: 'STRICT' });
  });

  it('never changes the request (attempts share it)', () => {
    const request = deepFreeze(
      createChatRequest({
        model: 'm',
        system: [{ type: 'text', text: 'S' }],
        messages: [hello, { role: 'system', content: [{ type: 'text', text: 'T' }] }],
        tools: [weatherTool],
        toolChoice: { type: 'tool', name: 'weather' },
        stopSequences: ['x'],
      }),
    );
    const copy = structuredClone(request);
    const body = encode(request);
    expect(request).toEqual(copy);
    (body.stop_sequences as string[]).push('y');
    expect(request.stopSequences).toEqual(['x']);
  });
});

describe('encodeCohereChatRequest: images', () => {
  it('sends URL and base64 images (and image files) as image_url blocks with their detail', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            {
              type: 'image',
              source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' },
              detail: 'low',
            },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'image/PNG', data: 'BBBB' },
              filename: 'b.png',
            },
            {
              type: 'file',
              source: { kind: 'url', url: 'https://example.com/c.webp', mediaType: 'image/webp' },
            },
          ],
        },
      ],
    });
    expect(encode(request).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/PNG;base64,BBBB' } },
          { type: 'image_url', image_url: { url: 'https://example.com/c.webp' } },
        ],
      },
    ]);
    expect(unsupported(request)).toEqual([]);
  });

  it('refuses images by file id, files that are not images and images in tool results', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { kind: 'file-id', fileId: 'file-1' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JV' } },
            { type: 'file', source: { kind: 'url', url: 'https://example.com/x' } },
          ],
        },
        { role: 'user', content: [{ type: 'file', source: { kind: 'file-id', fileId: 'f' } }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a' } }],
            },
          ],
        },
      ],
    });
    expect(unsupported(request)).toEqual([
      'messages[0] (image given by file id)',
      'messages[1] (file that is not an image)',
      'messages[2] (file that is not an image)',
      'messages[3] (image in a tool result)',
    ]);
    // Encoding stays total: what Cohere cannot take is left out.
    expect(encode(request).messages).toEqual([
      { role: 'user', content: [] },
      { role: 'user', content: [] },
      { role: 'user', content: [] },
      { role: 'tool', tool_call_id: 'c1', content: '' },
    ]);
  });
});

describe('encodeCohereChatRequest: output format and reasoning', () => {
  const base = { model: 'm', messages: [hello] };

  it('maps JSON schema output to json_object with json_schema', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    expect(
      encode(
        createChatRequest({
          ...base,
          responseFormat: { type: 'json-schema', name: 'person', schema, strict: true },
        }),
      ).response_format,
    ).toEqual({ type: 'json_object', json_schema: schema });
    expect(
      encode(createChatRequest({ ...base, responseFormat: { type: 'json-object' } }))
        .response_format,
    ).toEqual({ type: 'json_object' });
    expect(
      encode(createChatRequest({ ...base, responseFormat: { type: 'text' } })).response_format,
    ).toEqual({ type: 'text' });
  });

  it('maps reasoning to thinking: budget, disabled, and effort alone', () => {
    const thinking = (reasoning: ChatRequest['reasoning']) =>
      encode(createChatRequest({ ...base, reasoning })).thinking;
    expect(thinking({ budgetTokens: 2048 })).toEqual({ type: 'enabled', token_budget: 2048 });
    expect(thinking({ disabled: true, budgetTokens: 5 })).toEqual({ type: 'disabled' });
    expect(thinking({ effort: 'high' })).toEqual({ type: 'enabled' });
    expect(encode(createChatRequest(base))).not.toHaveProperty('thinking');
    expect(unsupported(createChatRequest({ ...base, reasoning: { effort: 'low' } }))).toEqual([]);
  });
});

describe('unsupportedCohereChatParameters', () => {
  it('names n and user, which Cohere cannot express', () => {
    const request = createChatRequest({ model: 'm', messages: [hello], choices: 2, user: 'u-1' });
    expect(unsupported(request)).toEqual(['n', 'user']);
    expect(encode(request)).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'Hello' }],
    });
  });

  it('accepts n = 1 and a plain request', () => {
    expect(unsupported(createChatRequest({ model: 'm', messages: [hello], choices: 1 }))).toEqual(
      [],
    );
  });
});
