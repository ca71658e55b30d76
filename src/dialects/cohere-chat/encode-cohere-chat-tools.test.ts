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
const timeTool = { name: 'currentTime', parameters: { type: 'object', properties: {} } };

describe('encodeCohereChatRequest: tools', () => {
  const withChoice = (toolChoice: ChatRequest['toolChoice']) =>
    createChatRequest({
      model: 'm',
      messages: [hello],
      tools: [weatherTool, timeTool],
      toolChoice,
    });

  it('encodes function tools and leaves tool_choice out for auto', () => {
    const body = encode(withChoice({ type: 'auto' }));
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Weather in a city',
          parameters: weatherTool.parameters,
        },
      },
      { type: 'function', function: { name: 'currentTime', parameters: timeTool.parameters } },
    ]);
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('strict_tools');
    expect(encode(withChoice(undefined))).not.toHaveProperty('tool_choice');
  });

  it('maps none and required to NONE and REQUIRED', () => {
    expect(encode(withChoice({ type: 'none' })).tool_choice).toBe('NONE');
    expect(encode(withChoice({ type: 'required' })).tool_choice).toBe('REQUIRED');
    expect(unsupported(withChoice({ type: 'required' }))).toEqual([]);
  });

  it('forces a named tool by offering only that tool with REQUIRED', () => {
    const request = withChoice({ type: 'tool', name: 'currentTime' });
    const body = encode(request);
    expect(body.tool_choice).toBe('REQUIRED');
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'currentTime', parameters: timeTool.parameters } },
    ]);
    expect(unsupported(request)).toEqual([]);
  });

  it('refuses a named tool that is not offered', () => {
    expect(unsupported(withChoice({ type: 'tool', name: 'missing' }))).toEqual(['tool_choice']);
    expect(encode(withChoice({ type: 'tool', name: 'missing' }))).not.toHaveProperty('tools');
  });

  it('sends no tool_choice without tools', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [hello],
      toolChoice: { type: 'none' },
    });
    expect(encode(request)).not.toHaveProperty('tool_choice');
  });

  it('sets strict_tools only when every tool is strict', () => {
    const strict = { ...weatherTool, strict: true };
    expect(
      encode(createChatRequest({ model: 'm', messages: [hello], tools: [strict] })).strict_tools,
    ).toBe(true);
    expect(
      encode(createChatRequest({ model: 'm', messages: [hello], tools: [strict, timeTool] })),
    ).not.toHaveProperty('strict_tools');
  });

  it('accepts parallel tool calls (Cohere’s default) and refuses switching them off', () => {
    const base = { model: 'm', messages: [hello], tools: [weatherTool] };
    expect(unsupported(createChatRequest({ ...base, parallelToolCalls: true }))).toEqual([]);
    expect(unsupported(createChatRequest({ ...base, parallelToolCalls: false }))).toEqual([
      'parallel_tool_calls',
    ]);
    expect(encode(createChatRequest({ ...base, parallelToolCalls: false }))).not.toHaveProperty(
      'parallel_tool_calls',
    );
  });

  it('sends parallel tool calls back with the plan and their results as tool messages', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        hello,
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'I will look up ' },
            { type: 'text', text: 'both.' },
            { type: 'tool-call', id: 'w1', name: 'weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 't1', name: 'currentTime', arguments: '{}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'w1',
              content: [
                { type: 'text', text: '{"temp":' },
                { type: 'text', text: '21}' },
              ],
            },
            {
              type: 'tool-result',
              toolCallId: 't1',
              toolName: 'currentTime',
              content: [{ type: 'text', text: 'failed' }],
              isError: true,
            },
          ],
        },
      ],
      tools: [weatherTool, timeTool],
    });
    expect(encode(request).messages).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        tool_plan: 'I will look up both.',
        tool_calls: [
          {
            id: 'w1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Paris"}' },
          },
          { id: 't1', type: 'function', function: { name: 'currentTime', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'w1', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 't1', content: 'failed' },
    ]);
    expect(unsupported(request)).toEqual([]);
  });
});

describe('encodeCohereChatRequest: assistant history', () => {
  it('sends reasoning back as thinking blocks, in order, and refusals as text', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        hello,
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Think first.', signature: 'sig' },
            { type: 'redacted-reasoning', data: 'opaque' },
            { type: 'reasoning', text: '' },
            { type: 'text', text: 'Answer.' },
            { type: 'refusal', text: ' But not that.' },
          ],
        },
      ],
    });
    expect(encode(request).messages).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Think first.' },
          { type: 'text', text: 'Answer.' },
          { type: 'text', text: ' But not that.' },
        ],
      },
    ]);
  });

  it('keeps thinking as content next to tool calls, and skips a turn with nothing to send', () => {
    const request = createChatRequest({
      model: 'm',
      messages: [
        hello,
        { role: 'assistant', content: [{ type: 'redacted-reasoning', data: 'opaque' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Need the time.' },
            { type: 'tool-call', id: 't1', name: 'currentTime', arguments: '{}' },
          ],
        },
      ],
    });
    expect(encode(request).messages).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        content: [{ type: 'thinking', thinking: 'Need the time.' }],
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'currentTime', arguments: '{}' } },
        ],
      },
    ]);
  });
});
