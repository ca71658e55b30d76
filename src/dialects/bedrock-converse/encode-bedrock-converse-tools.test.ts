import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { bedrockConverseCodec } from './bedrock-converse-codec.ts';
import {
  encodeBedrockConverseRequest,
  unsupportedBedrockConverseParameters,
} from './encode-bedrock-converse-request.ts';

const claude = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

function options(
  upstreamModel = claude,
  bodyFields: EgressOptions['bodyFields'] = {},
): EgressOptions {
  return {
    upstreamModel,
    modelInBody: false,
    bodyFields,
    requestStreamUsage: true,
    maxTokensField: 'max_tokens',
    streamInBody: false,
    defaultMaxOutputTokens: undefined,
  };
}

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'client-model',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    ...fields,
  });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const toolHistory: ChatMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Checking both.' },
      { type: 'tool-call', id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'tooluse_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ],
  },
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'tooluse_1', content: [{ type: 'text', text: '18C' }] },
      {
        type: 'tool-result',
        toolCallId: 'tooluse_2',
        content: [{ type: 'text', text: 'city not found' }],
        isError: true,
      },
    ],
  },
];

function encode(fields: Partial<ChatRequest> = {}, model = claude) {
  return encodeBedrockConverseRequest(request(fields), options(model));
}

describe('encodeBedrockConverseRequest: tools', () => {
  it('encodes tools with tool choice auto, required and a named tool', () => {
    const tools = [weatherTool, { name: 'noop', description: '', parameters: {}, strict: true }];
    const specs = [
      {
        toolSpec: {
          name: 'get_weather',
          description: 'Weather for a city',
          inputSchema: { json: weatherTool.parameters },
        },
      },
      { toolSpec: { name: 'noop', inputSchema: { json: {} }, strict: true } },
    ];
    expect(encode({ tools }).toolConfig).toEqual({ tools: specs });
    expect(encode({ tools, toolChoice: { type: 'auto' } }).toolConfig).toEqual({
      tools: specs,
      toolChoice: { auto: {} },
    });
    expect(encode({ tools, toolChoice: { type: 'required' } }).toolConfig).toEqual({
      tools: specs,
      toolChoice: { any: {} },
    });
    expect(encode({ tools, toolChoice: { type: 'tool', name: 'noop' } }).toolConfig).toEqual({
      tools: specs,
      toolChoice: { tool: { name: 'noop' } },
    });
  });

  it('leaves toolConfig out for tool choice none when the history has no tool blocks', () => {
    const body = encode({ tools: [weatherTool], toolChoice: { type: 'none' } });
    expect(body).not.toHaveProperty('toolConfig');
    expect(body).not.toHaveProperty('additionalModelRequestFields');
  });

  it('keeps toolConfig for tool choice none when the history has tool blocks, and forbids calls on Claude', () => {
    const fields = {
      messages: toolHistory,
      tools: [weatherTool],
      toolChoice: { type: 'none' } as const,
    };
    const body = encode(fields);
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather for a city',
            inputSchema: { json: weatherTool.parameters },
          },
        },
      ],
    });
    expect(body.additionalModelRequestFields).toEqual({ tool_choice: { type: 'none' } });
    const nova = encode(fields, 'amazon.nova-pro-v1:0');
    expect(nova.toolConfig).toEqual(body.toolConfig);
    expect(nova).not.toHaveProperty('additionalModelRequestFields');
  });

  it('names the history’s tools in toolConfig when the request offers none', () => {
    const body = encode({ messages: toolHistory });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
    });
    expect(body.additionalModelRequestFields).toEqual({ tool_choice: { type: 'none' } });
  });

  it('asks Claude not to call tools in parallel through its own tool_choice', () => {
    const tools = [weatherTool];
    expect(encode({ tools, parallelToolCalls: false }).additionalModelRequestFields).toEqual({
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    const required = encode({ tools, parallelToolCalls: false, toolChoice: { type: 'required' } });
    expect(required.toolConfig).not.toHaveProperty('toolChoice');
    expect(required.additionalModelRequestFields).toEqual({
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(
      encode({ tools, parallelToolCalls: false, toolChoice: { type: 'tool', name: 'get_weather' } })
        .additionalModelRequestFields,
    ).toEqual({
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    });
    expect(encode({ tools, parallelToolCalls: false }, 'amazon.nova-pro-v1:0')).not.toHaveProperty(
      'additionalModelRequestFields',
    );
  });
});

describe('unsupportedBedrockConverseParameters', () => {
  it('names what Converse cannot express, as in the OpenAI API', () => {
    expect(
      bedrockConverseCodec.egress.unsupportedParameters(
        request({
          choices: 2,
          seed: 7,
          frequencyPenalty: 0.5,
          presencePenalty: 0.5,
          user: 'u-1',
          responseFormat: { type: 'json-object' },
        }),
      ),
    ).toEqual(['n', 'seed', 'frequency_penalty', 'presence_penalty', 'user', 'response_format']);
  });

  it('accepts what it can express', () => {
    expect(
      unsupportedBedrockConverseParameters(
        request({
          choices: 1,
          topK: 5,
          reasoning: { effort: 'low' },
          parallelToolCalls: false,
          responseFormat: { type: 'json-schema', name: 'x', schema: { type: 'object' } },
          messages: [{ role: 'system', content: [{ type: 'text', text: 'S' }] }, ...toolHistory],
        }),
      ),
    ).toEqual([]);
  });

  it('refuses media Converse cannot fetch or take, and tool arguments that are not an object', () => {
    expect(
      unsupportedBedrockConverseParameters(
        request({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
                { type: 'image', source: { kind: 'url', url: 'https://example.com/dog.png' } },
                { type: 'image', source: { kind: 'file-id', fileId: 'file-1' } },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/bmp', data: 'Qk0=' } },
                { type: 'image', source: { kind: 'url', url: 's3://bucket/raw' } },
                { type: 'file', source: { kind: 'file-id', fileId: 'file-2' } },
                { type: 'file', source: { kind: 'url', url: 'https://example.com/a.pdf' } },
                {
                  type: 'file',
                  source: { kind: 'base64', mediaType: 'application/zip', data: 'UEs=' },
                },
              ],
            },
            {
              role: 'assistant',
              content: [{ type: 'tool-call', id: 't', name: 'f', arguments: '[1,2]' }],
            },
            {
              role: 'tool',
              content: [
                {
                  type: 'tool-result',
                  toolCallId: 't',
                  content: [{ type: 'image', source: { kind: 'url', url: 'http://x/y.png' } }],
                },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      'messages[0] (image by URL)',
      'messages[0] (image given by file id)',
      'messages[0] (image type image/bmp)',
      'messages[0] (image type unknown)',
      'messages[0] (file given by file id)',
      'messages[0] (file by URL)',
      'messages[0] (file type application/zip)',
      'messages[1] (tool call arguments that are not a JSON object)',
      'messages[2] (image by URL in a tool result)',
    ]);
  });

  it('leaves out media it cannot send if encoding is asked anyway', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'See' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
            { type: 'file', source: { kind: 'file-id', fileId: 'file-2' } },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 't', name: 'f', arguments: 'oops' }],
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'See' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] },
    ]);
  });
});
