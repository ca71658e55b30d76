import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { anthropicMessagesToCanonical } from './anthropic-messages-to-canonical.ts';
import { decodeAnthropicRequest } from './decode-anthropic-request.ts';
import { encodeAnthropicRequest } from './encode-anthropic-request.ts';

function canonical(body: object) {
  return anthropicMessagesToCanonical(decodeAnthropicRequest(JSON.stringify(body), 'chat'));
}

function refusal(body: object): GatewayError {
  try {
    canonical(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const base = { model: 'claude', max_tokens: 100 };
const hello = [{ role: 'user', content: 'Hello' }];

describe('decodeAnthropicRequest', () => {
  it('reads the model, stream flag and body', () => {
    const envelope = decodeAnthropicRequest(
      JSON.stringify({ ...base, stream: true, messages: hello }),
      'chat',
    );
    expect(envelope).toMatchObject({
      dialect: 'anthropic-messages',
      operation: 'chat',
      model: 'claude',
      stream: true,
      clientWantsStreamUsage: true,
    });
    expect(envelope.body.members.map((member) => member.key)).toEqual([
      'model',
      'max_tokens',
      'stream',
      'messages',
    ]);
  });

  it.each([
    ['not JSON', '{', 'SB_ERR_REQUEST_INVALID_JSON', undefined],
    ['an array', '[]', 'SB_ERR_REQUEST_INVALID', '(body)'],
    [
      'no model',
      JSON.stringify({ max_tokens: 1, messages: hello }),
      'SB_ERR_REQUEST_INVALID',
      'model',
    ],
    [
      'no messages',
      JSON.stringify({ ...base, messages: [] }),
      'SB_ERR_REQUEST_INVALID',
      'messages',
    ],
    [
      'no max_tokens',
      JSON.stringify({ model: 'm', messages: hello }),
      'SB_ERR_REQUEST_INVALID',
      'max_tokens',
    ],
    [
      'a fractional max_tokens',
      JSON.stringify({ model: 'm', max_tokens: 1.5, messages: hello }),
      'SB_ERR_REQUEST_INVALID',
      'max_tokens',
    ],
    [
      'a string stream',
      JSON.stringify({ ...base, stream: 'yes', messages: hello }),
      'SB_ERR_REQUEST_INVALID',
      'stream',
    ],
  ])('refuses %s', (_name, text, code, param) => {
    try {
      decodeAnthropicRequest(text, 'chat');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe(code);
      expect((error as GatewayError).param).toBe(param);
    }
  });

  it('counts tokens without max_tokens, but never streamed, and has no embeddings', () => {
    expect(
      decodeAnthropicRequest(JSON.stringify({ model: 'm', messages: hello }), 'count-tokens')
        .operation,
    ).toBe('count-tokens');
    expect(() =>
      decodeAnthropicRequest(
        JSON.stringify({ model: 'm', stream: true, messages: hello }),
        'count-tokens',
      ),
    ).toThrow(/cannot be streamed/);
    expect(() =>
      decodeAnthropicRequest(JSON.stringify({ ...base, messages: hello }), 'embeddings'),
    ).toThrow(GatewayError);
  });
});

describe('anthropicMessagesToCanonical', () => {
  it('maps the whole request surface', () => {
    const request = canonical({
      ...base,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look', cache_control: { type: 'ephemeral', ttl: '1h' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
              title: 'a.pdf',
            },
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'inline' },
            },
            { type: 'document', source: { type: 'file', file_id: 'file_9' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'SIG' },
            { type: 'redacted_thinking', data: 'ENC' },
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'done', is_error: true },
            { type: 'text', text: 'And now?' },
          ],
        },
        { role: 'system', content: 'Switch to French.' },
      ],
      tools: [{ name: 'f', description: 'F', input_schema: { type: 'object' }, strict: true }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      output_config: {
        format: { type: 'json_schema', schema: { type: 'object' } },
        effort: 'xhigh',
      },
      temperature: 0.5,
      top_p: 0.9,
      top_k: 20,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      service_tier: 'auto',
      container: 'c_1',
    });
    expect(request.system).toEqual([
      { type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look', cacheControl: { type: 'ephemeral', ttl: '1h' } },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
          {
            type: 'file',
            source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' },
            filename: 'a.pdf',
          },
          { type: 'text', text: 'inline' },
          { type: 'file', source: { kind: 'file-id', fileId: 'file_9' }, filename: undefined },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'hmm', signature: 'SIG' },
          { type: 'redacted-reasoning', data: 'ENC' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{"a":1}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_1',
            content: [{ type: 'text', text: 'done' }],
            isError: true,
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
      { role: 'system', content: [{ type: 'text', text: 'Switch to French.' }] },
    ]);
    expect(request.tools).toEqual([
      { name: 'f', description: 'F', parameters: { type: 'object' }, strict: true },
    ]);
    expect(request.toolChoice).toEqual({ type: 'required' });
    expect(request.parallelToolCalls).toBe(false);
    expect(request.reasoning).toEqual({ budgetTokens: 2048, effort: 'high' });
    expect(request.responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: { type: 'object' },
      strict: true,
    });
    expect(request).toMatchObject({
      maxOutputTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      topK: 20,
      stopSequences: ['END'],
      user: 'user-7',
      stream: false,
    });
    expect(request.unmappedParameters).toEqual(['container']);
  });

  it('reads tool choices and thinking modes', () => {
    const choice = (tool_choice: object) =>
      canonical({ ...base, messages: hello, tool_choice }).toolChoice;
    expect(choice({ type: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ type: 'none' })).toEqual({ type: 'none' });
    expect(choice({ type: 'tool', name: 'f' })).toEqual({ type: 'tool', name: 'f' });
    const thinking = (thinkingValue: object, extra: object = {}) =>
      canonical({ ...base, messages: hello, thinking: thinkingValue, ...extra }).reasoning;
    expect(thinking({ type: 'disabled' })).toEqual({ disabled: true });
    expect(thinking({ type: 'adaptive' })).toBeUndefined();
    expect(thinking({ type: 'adaptive' }, { output_config: { effort: 'low' } })).toEqual({
      effort: 'low',
    });
    expect(
      canonical({ ...base, messages: hello, output_config: { effort: 'medium' } }).reasoning,
    ).toEqual({
      effort: 'medium',
    });
    expect(
      canonical({ ...base, messages: hello, output_format: { type: 'json_schema', schema: {} } })
        .responseFormat,
    ).toMatchObject({
      type: 'json-schema',
    });
  });

  it('refuses what another dialect cannot carry, naming the field', () => {
    expect(
      refusal({
        ...base,
        messages: hello,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
    ).toMatchObject({
      code: 'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      param: 'tools[0]',
    });
    expect(
      refusal({
        ...base,
        messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x' }] }],
      }),
    ).toMatchObject({
      code: 'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      param: 'messages[0].content[0]',
    });
    expect(
      refusal({
        ...base,
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'server_tool_use', id: 's', name: 'web_search' }],
          },
        ],
      }),
    ).toMatchObject({
      code: 'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      param: 'messages[0].content[0]',
    });
    expect(
      refusal({
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'document', source: {} }],
              },
            ],
          },
        ],
      }),
    ).toMatchObject({ param: 'messages[0].content[0].content[0]' });
    expect(
      refusal({
        ...base,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'x' } }] }],
      }),
    ).toMatchObject({
      param: 'messages[0].content[0].source',
    });
  });

  it('refuses malformed fields as invalid requests', () => {
    const cases: [object, string][] = [
      [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ messages: ['x'] }, 'messages[0]'],
      [{ messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
      [
        { messages: [{ role: 'user', content: [{ type: 'text' }] }] },
        'messages[0].content[0].text',
      ],
      [
        { messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] },
        'messages[0].content[0].tool_use_id',
      ],
      [
        { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 1 }] }] },
        'messages[0].content[0]',
      ],
      [
        { messages: [{ role: 'assistant', content: [{ type: 'redacted_thinking' }] }] },
        'messages[0].content[0].data',
      ],
      [{ messages: hello, system: [{ type: 'image' }] }, 'system[0]'],
      [{ messages: hello, tools: {} }, 'tools'],
      [{ messages: hello, tools: [7] }, 'tools[0]'],
      [{ messages: hello, tools: [{ input_schema: {} }] }, 'tools[0].name'],
      [{ messages: hello, tool_choice: 'auto' }, 'tool_choice'],
      [{ messages: hello, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
      [{ messages: hello, tool_choice: { type: 'maybe' } }, 'tool_choice.type'],
      [{ messages: hello, thinking: 'on' }, 'thinking'],
      [{ messages: hello, thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
      [{ messages: hello, thinking: { type: 'sometimes' } }, 'thinking.type'],
      [{ messages: hello, output_config: { effort: 'extreme' } }, 'output_config.effort'],
      [{ messages: hello, output_config: { format: { type: 'regex' } } }, 'output_config.format'],
      [{ messages: hello, stop_sequences: 'END' }, 'stop_sequences'],
      [{ messages: hello, temperature: 'hot' }, 'temperature'],
    ];
    for (const [body, param] of cases) {
      expect(refusal({ ...base, ...body }), param).toMatchObject({
        code: 'SB_ERR_REQUEST_INVALID',
        param,
      });
    }
  });

  it('survives a round trip back to an Anthropic body unchanged in meaning', () => {
    const body = {
      ...base,
      system: [{ type: 'text', text: 'S' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Q' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: 'y' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'R' }] },
          ],
        },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
    };
    const options: EgressOptions = {
      upstreamModel: 'claude',
      modelInBody: true,
      bodyFields: {},
      requestStreamUsage: false,
      maxTokensField: 'max_tokens',
      streamInBody: true,
      defaultMaxOutputTokens: undefined,
    };
    expect(encodeAnthropicRequest(canonical(body), options)).toEqual(body);
  });
});
