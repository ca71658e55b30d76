import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';
import { openAiChatToCanonical } from './openai-chat-to-canonical.ts';

const user = { role: 'user', content: 'hi' };

function canonical(body: object): ChatRequest {
  return openAiChatToCanonical(
    decodeOpenAiRequest(JSON.stringify({ model: 'fast', messages: [user], ...body }), 'chat'),
  );
}

/** The error a body is refused with (every path by which the translation says no). */
function refusal(body: object): GatewayError {
  try {
    canonical(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('openAiChatToCanonical: refusals', () => {
  const cases: [string, object, string, string][] = [
    [
      'a non-number sampling field',
      { temperature: 'hot' },
      'SB_ERR_REQUEST_INVALID',
      'temperature',
    ],
    ['a non-number output limit', { max_tokens: '5' }, 'SB_ERR_REQUEST_INVALID', 'max_tokens'],
    [
      'an unknown reasoning effort',
      { reasoning_effort: 'max' },
      'SB_ERR_REQUEST_INVALID',
      'reasoning_effort',
    ],
    [
      'a non-string reasoning effort',
      { reasoning_effort: 3 },
      'SB_ERR_REQUEST_INVALID',
      'reasoning_effort',
    ],
    [
      'a message that is not an object',
      { messages: ['hi'] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0]',
    ],
    [
      'the legacy function role',
      { messages: [{ role: 'function', name: 'f', content: 'x' }] },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'messages[0].role',
    ],
    [
      'system content that is a number',
      { messages: [{ role: 'system', content: 5 }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].content',
    ],
    [
      'an image in system content',
      { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'messages[0].content[0]',
    ],
    [
      'user content that is an object',
      { messages: [{ role: 'user', content: { text: 'hi' } }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].content',
    ],
    [
      'a user part that is not an object',
      { messages: [{ role: 'user', content: ['hi'] }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].content[0]',
    ],
    [
      'audio input',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }],
          },
        ],
      },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'messages[0].content[0]',
    ],
    [
      'a file part with neither data nor id',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a' } }] }] },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'messages[0].content[0]',
    ],
    [
      'an image part without a URL',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'messages[0].content[0]',
    ],
    [
      'tool_calls that are not an array',
      { messages: [{ role: 'assistant', content: 'x', tool_calls: {} }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].tool_calls',
    ],
    [
      'a tool call without a name',
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: {} }] }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].tool_calls[0]',
    ],
    [
      'a tool message without tool_call_id',
      { messages: [{ role: 'tool', content: 'x' }] },
      'SB_ERR_REQUEST_INVALID',
      'messages[0].tool_call_id',
    ],
    ['tools that are not an array', { tools: {} }, 'SB_ERR_REQUEST_INVALID', 'tools'],
    [
      'a tool that is not a function',
      { tools: [{ type: 'web_search' }] },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'tools[0]',
    ],
    [
      'a function tool without a name',
      { tools: [{ type: 'function', function: {} }] },
      'SB_ERR_REQUEST_INVALID',
      'tools[0].function.name',
    ],
    [
      'an allowed-tools tool choice',
      { tool_choice: { type: 'allowed_tools', allowed_tools: {} } },
      'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      'tool_choice',
    ],
    [
      'a response format that is a string',
      { response_format: 'json' },
      'SB_ERR_REQUEST_INVALID',
      'response_format',
    ],
    [
      'an unknown response format type',
      { response_format: { type: 'xml' } },
      'SB_ERR_REQUEST_INVALID',
      'response_format.type',
    ],
    ['stop as a number', { stop: 3 }, 'SB_ERR_REQUEST_INVALID', 'stop'],
    ['stop with a non-string', { stop: ['a', 1] }, 'SB_ERR_REQUEST_INVALID', 'stop'],
  ];

  it.each(cases)('refuses %s', (_what, body, code, param) => {
    const error = refusal(body);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
  });

  it('reads an absent messages array as an empty conversation', () => {
    const envelope = decodeOpenAiRequest(JSON.stringify({ model: 'm', messages: [user] }), 'chat');
    const rest = Object.fromEntries(
      Object.entries(envelope.body.value).filter(([key]) => key !== 'messages'),
    );
    expect(
      openAiChatToCanonical({ ...envelope, body: { ...envelope.body, value: rest } }).messages,
    ).toEqual([]);
  });
});
