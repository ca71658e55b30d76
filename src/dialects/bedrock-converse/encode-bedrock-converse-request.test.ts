import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { bedrockConverseCodec } from './bedrock-converse-codec.ts';
import { encodeBedrockConverseRequest } from './encode-bedrock-converse-request.ts';

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

describe('encodeBedrockConverseRequest: conversation', () => {
  it('encodes plain text without a model or stream field', () => {
    const body = bedrockConverseCodec.egress.encodeRequest(request({ stream: true }), options());
    expect(body).toEqual({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] });
  });

  it('puts system text, and system messages from mid-conversation, in system', () => {
    const body = encode({
      system: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
        { role: 'system', content: [{ type: 'text', text: 'Now answer in French.' }] },
        {
          role: 'user',
          content: [{ type: 'text', text: 'Bye', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
        },
      ],
    });
    expect(body.system).toEqual([
      { text: 'Be brief.' },
      { cachePoint: { type: 'default' } },
      { text: 'Now answer in French.' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Hi' }] },
      { role: 'assistant', content: [{ text: 'Hello!' }] },
      { role: 'user', content: [{ text: 'Bye' }, { cachePoint: { type: 'default', ttl: '1h' } }] },
    ]);
  });

  it('merges consecutive turns of one role and drops empty ones', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'One' }] },
        { role: 'user', content: [{ type: 'text', text: 'Two' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: [{ type: 'text', text: 'Three' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'One' }, { text: 'Two' }, { text: 'Three' }] },
    ]);
  });

  it('encodes inline images and S3 images, and documents with valid unique names', () => {
    const body = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0=' } },
            { type: 'image', source: { kind: 'url', url: 's3://bucket/photo.JPG' } },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
              filename: 'Q3 report: final!.pdf',
            },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi1=' },
              filename: 'Q3 report: final!.pdf',
            },
            { type: 'file', source: { kind: 'base64', mediaType: 'text/csv', data: 'YSxi' } },
            {
              type: 'file',
              source: { kind: 'url', url: 's3://bucket/notes.md' },
              filename: 'notes.md',
            },
            {
              type: 'file',
              source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGRg==' },
              filename: 'pic.webp',
            },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { text: 'Compare these.' },
          { image: { format: 'png', source: { bytes: 'iVBORw0=' } } },
          { image: { format: 'jpeg', source: { s3Location: { uri: 's3://bucket/photo.JPG' } } } },
          { document: { format: 'pdf', name: 'Q3 report final', source: { bytes: 'JVBERi0=' } } },
          {
            document: { format: 'pdf', name: 'Q3 report final (2)', source: { bytes: 'JVBERi1=' } },
          },
          { document: { format: 'csv', name: 'document-1', source: { bytes: 'YSxi' } } },
          {
            document: {
              format: 'md',
              name: 'notes',
              source: { s3Location: { uri: 's3://bucket/notes.md' } },
            },
          },
          { image: { format: 'webp', source: { bytes: 'UklGRg==' } } },
        ],
      },
    ]);
  });

  it('encodes earlier assistant turns: signed reasoning, redacted reasoning, refusals, tool calls', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Signed thought', signature: 'sig' },
            { type: 'reasoning', text: 'Unsigned thought from elsewhere' },
            { type: 'redacted-reasoning', data: 'ZW5j' },
            { type: 'refusal', text: 'I cannot.' },
            { type: 'refusal', text: '' },
            { type: 'tool-call', id: 'tooluse_9', name: 'ping', arguments: '' },
          ],
        },
      ],
      tools: [{ name: 'ping', parameters: { type: 'object' } }],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Q' }] },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'Signed thought', signature: 'sig' } } },
          { reasoningContent: { redactedContent: 'ZW5j' } },
          { text: 'I cannot.' },
          { toolUse: { toolUseId: 'tooluse_9', name: 'ping', input: {} } },
        ],
      },
    ]);
  });

  it('encodes parallel tool calls and their results (error status, images) in one user turn', () => {
    const body = encode({
      tools: [weatherTool],
      messages: [
        ...toolHistory,
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'tooluse_3',
              content: [
                { type: 'text', text: '' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/gif', data: 'R0lG' } },
              ],
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { text: 'Checking both.' },
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18C' }] } },
          {
            toolResult: {
              toolUseId: 'tooluse_2',
              content: [{ text: 'city not found' }],
              status: 'error',
            },
          },
          {
            toolResult: {
              toolUseId: 'tooluse_3',
              content: [{ image: { format: 'gif', source: { bytes: 'R0lG' } } }],
            },
          },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('does not change the request, and merges provider body fields last', () => {
    const original = request({
      system: [{ type: 'text', text: 'S' }],
      messages: toolHistory,
      tools: [weatherTool],
      toolChoice: { type: 'none' },
      reasoning: { effort: 'high' },
    });
    const snapshot = structuredClone(original);
    const body = encodeBedrockConverseRequest(
      original,
      options(claude, { performanceConfig: { latency: 'optimized' } }),
    );
    expect(original).toEqual(snapshot);
    expect(body.performanceConfig).toEqual({ latency: 'optimized' });
    expect(body).not.toHaveProperty('model');
  });
});

describe('encodeBedrockConverseRequest: settings', () => {
  it('encodes inference settings, and top_k in the model family’s field', () => {
    const fields = {
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
    };
    const body = encode(fields);
    expect(body.inferenceConfig).toEqual({
      maxTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
    });
    expect(body.additionalModelRequestFields).toEqual({ top_k: 40 });
    expect(encode(fields, 'amazon.nova-pro-v1:0').additionalModelRequestFields).toEqual({
      inferenceConfig: { topK: 40 },
    });
  });

  it('asks Claude for thinking with a budget, and turns an effort into a budget', () => {
    expect(encode({ reasoning: { budgetTokens: 4000 } }).additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 4000 },
    });
    expect(encode({ reasoning: { effort: 'minimal' } }).additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    expect(encode({ reasoning: { effort: 'high' } }).additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 24576 },
    });
  });

  it('asks Nova 2 and OpenAI open-weight models for an effort level', () => {
    expect(
      encode({ reasoning: { budgetTokens: 5000 } }, 'us.amazon.nova-2-lite-v1:0')
        .additionalModelRequestFields,
    ).toEqual({ reasoningConfig: { type: 'enabled', maxReasoningEffort: 'medium' } });
    expect(
      encode({ reasoning: { effort: 'minimal' } }, 'global.amazon.nova-2-lite-v1:0')
        .additionalModelRequestFields,
    ).toEqual({ reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } });
    expect(
      encode({ reasoning: { budgetTokens: 30000 } }, 'openai.gpt-oss-120b-1:0')
        .additionalModelRequestFields,
    ).toEqual({ reasoning_effort: 'high' });
  });

  it('sends no reasoning field when reasoning is off, empty, or the family has none', () => {
    expect(encode({ reasoning: { disabled: true, budgetTokens: 2000 } })).not.toHaveProperty(
      'additionalModelRequestFields',
    );
    expect(encode({ reasoning: {} })).not.toHaveProperty('additionalModelRequestFields');
    expect(
      encode({ reasoning: { effort: 'low' } }, 'meta.llama3-3-70b-instruct-v1:0'),
    ).not.toHaveProperty('additionalModelRequestFields');
  });

  it('encodes a JSON schema response format as Converse structured output', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const body = encode({
      responseFormat: { type: 'json-schema', name: 'answer', schema, description: 'The answer' },
    });
    expect(body.outputConfig).toEqual({
      textFormat: {
        type: 'json_schema',
        structure: {
          jsonSchema: { schema: JSON.stringify(schema), name: 'answer', description: 'The answer' },
        },
      },
    });
    expect(encode({ responseFormat: { type: 'text' } })).not.toHaveProperty('outputConfig');
  });
});
