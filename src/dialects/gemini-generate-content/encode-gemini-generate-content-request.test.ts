import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  encodeGeminiRequest,
  geminiThinkingConfig,
} from './encode-gemini-generate-content-request.ts';
import { skipThoughtSignatureValidator } from './encode-gemini-generate-content-contents.ts';

const options: EgressOptions = {
  upstreamModel: 'gemini-2.5-flash',
  modelInBody: false,
  bodyFields: {},
  requestStreamUsage: true,
  maxTokensField: 'max_completion_tokens',
  streamInBody: false,
  defaultMaxOutputTokens: undefined,
};

const weatherSchema = {
  type: 'object',
  properties: { location: { type: 'string' } },
  required: ['location'],
  additionalProperties: false,
};

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    ...fields,
  });
}

/** Freezes a value and everything in it, so that any write by the encoder throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

describe('encodeGeminiRequest', () => {
  it('encodes a text conversation with the system prompt as systemInstruction', () => {
    expect(
      encodeGeminiRequest(
        request({
          system: [{ type: 'text', text: 'Be brief.' }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
            { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
            { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
          ],
        }),
        options,
      ),
    ).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: 'Bye' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    });
  });

  it('moves mid-conversation system messages to systemInstruction, in order, and merges same-role turns', () => {
    const body = encodeGeminiRequest(
      request({
        system: [{ type: 'text', text: 'First.' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'system', content: [{ type: 'text', text: 'Second.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'b' },
              { type: 'text', text: '' },
            ],
          },
          { role: 'assistant', content: [{ type: 'redacted-reasoning', data: 'x' }] },
          { role: 'user', content: [{ type: 'text', text: 'c' }] },
        ],
      }),
      options,
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'First.' }, { text: 'Second.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] },
    ]);
  });

  it('encodes images and files: inline bytes, data URLs and URLs with a known or guessed type', () => {
    const body = encodeGeminiRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
              { type: 'image', source: { kind: 'url', url: 'data:image/jpeg;base64,/9j/' } },
              { type: 'image', source: { kind: 'url', url: 'https://x.test/cat.JPG?size=2' } },
              {
                type: 'file',
                source: { kind: 'url', url: 'gs://bucket/report', mediaType: 'application/pdf' },
              },
              { type: 'file', source: { kind: 'url', url: 'https://x.test/blob' }, filename: 'b' },
              {
                type: 'image',
                source: { kind: 'url', url: 'https://x.test/p.png' },
                detail: 'low',
              },
            ],
          },
        ],
      }),
      options,
    );
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare' },
          { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/cat.JPG?size=2' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report' } },
          { fileData: { fileUri: 'https://x.test/blob' } },
          { fileData: { mimeType: 'image/png', fileUri: 'https://x.test/p.png' } },
        ],
      },
    ]);
  });

  it('still encodes a file id as a file URI (unsupportedParameters refuses it first)', () => {
    const body = encodeGeminiRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [{ type: 'file', source: { kind: 'file-id', fileId: 'files/a' } }],
          },
        ],
      }),
      options,
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ fileData: { fileUri: 'files/a' } }] },
    ]);
  });

  it('declares tools as JSON Schema and maps each tool choice', () => {
    const tools = [
      { name: 'weather', description: 'Weather now', parameters: weatherSchema, strict: true },
      { name: 'time', parameters: {} },
      { name: 'noop', parameters: { type: 'object' } },
    ];
    const encoded = (toolChoice: ChatRequest['toolChoice']) =>
      encodeGeminiRequest(request({ tools, toolChoice }), options);
    expect(encoded(undefined).tools).toEqual([
      {
        functionDeclarations: [
          { name: 'weather', description: 'Weather now', parametersJsonSchema: weatherSchema },
          { name: 'time' },
          { name: 'noop' },
        ],
      },
    ]);
    expect(encoded(undefined).toolConfig).toBeUndefined();
    expect(encoded({ type: 'auto' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'AUTO' },
    });
    expect(encoded({ type: 'none' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'NONE' },
    });
    expect(encoded({ type: 'required' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY' },
    });
    expect(encoded({ type: 'tool', name: 'weather' }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] },
    });
  });

  it('strips schema keywords Gemini rejects from tool parameters', () => {
    const body = encodeGeminiRequest(
      request({
        tools: [
          {
            name: 'search',
            parameters: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: {
                q: { type: 'string', minLength: 1 },
                n: { type: 'integer', exclusiveMinimum: 0 },
              },
            },
          },
        ],
      }),
      options,
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'search',
            parametersJsonSchema: {
              type: 'object',
              properties: { q: { type: 'string' }, n: { type: 'integer' } },
            },
          },
        ],
      },
    ]);
  });

  it('sends no tool config when no tools are offered', () => {
    expect(encodeGeminiRequest(request({ toolChoice: { type: 'none' } }), options)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
  });

  it('encodes parallel tool calls with parsed args and their results as one user turn', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Boston and SF?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          {
            type: 'tool-call',
            id: 'call_0_0',
            name: 'getWeather',
            arguments: '{"location":"Boston"}',
            signature: 'c2ln',
          },
          { type: 'tool-call', id: 'call_0_1', name: 'getWeather', arguments: '{"location":"SF"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_0_0', content: [{ type: 'text', text: '12C' }] },
          {
            type: 'tool-result',
            toolCallId: 'call_0_1',
            toolName: 'getWeather',
            content: [{ type: 'text', text: 'no data' }],
            isError: true,
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ];
    expect(encodeGeminiRequest(request({ messages }), options).contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Boston and SF?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          {
            functionCall: { name: 'getWeather', args: { location: 'Boston' } },
            thoughtSignature: 'c2ln',
          },
          { functionCall: { name: 'getWeather', args: { location: 'SF' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'getWeather', response: { output: '12C' } } },
          { functionResponse: { name: 'getWeather', response: { error: 'no data' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('names a tool result after the latest earlier call with its id, and sends its images after it', () => {
    const messages: ChatMessage[] = [
      {
        role: 'assistant',
        content: [{ type: 'tool-call', id: 'call_0_0', name: 'old', arguments: '' }],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0_0', content: [] }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', id: 'call_0_0', name: 'screenshot', arguments: 'null' }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_0_0',
            content: [
              { type: 'text', text: 'Here' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AA' } },
            ],
          },
        ],
      },
    ];
    const contents = encodeGeminiRequest(request({ messages }), options).contents;
    expect(contents).toEqual([
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'old', args: {} },
            thoughtSignature: skipThoughtSignatureValidator,
          },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'old', response: { output: '' } } }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'screenshot', args: {} },
            thoughtSignature: skipThoughtSignatureValidator,
          },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'screenshot', response: { output: 'Here' } } },
          { inlineData: { mimeType: 'image/png', data: 'AA' } },
        ],
      },
    ]);
  });

  it('returns thought signatures on the parts they came with', () => {
    const messages: ChatMessage[] = [
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Plan', signature: 'dGhvdWdodA==' },
          { type: 'text', text: 'Answer' },
          { type: 'reasoning', text: '', signature: 'dGV4dA==' },
          { type: 'refusal', text: 'No more.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: '', signature: 'YWxvbmU=' },
          { type: 'reasoning', text: 'unsigned' },
        ],
      },
    ];
    expect(encodeGeminiRequest(request({ messages }), options).contents).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'Plan', thought: true, thoughtSignature: 'dGhvdWdodA==' },
          { text: 'Answer', thoughtSignature: 'dGV4dA==' },
          { text: 'No more.' },
          { text: '', thoughtSignature: 'YWxvbmU=' },
          { text: 'unsigned', thought: true },
        ],
      },
    ]);
  });

  it('asks for JSON output, with the schema as responseJsonSchema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string', pattern: 'x' } } };
    expect(
      encodeGeminiRequest(
        request({ responseFormat: { type: 'json-schema', name: 'a', schema, strict: true } }),
        options,
      ).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { answer: { type: 'string' } } },
    });
    expect(
      encodeGeminiRequest(request({ responseFormat: { type: 'json-object' } }), options)
        .generationConfig,
    ).toEqual({ responseMimeType: 'application/json' });
    expect(
      encodeGeminiRequest(request({ responseFormat: { type: 'text' } }), options).generationConfig,
    ).toBeUndefined();
  });

  it('maps every sampling parameter into generationConfig', () => {
    expect(
      encodeGeminiRequest(
        request({
          maxOutputTokens: 100,
          temperature: 0.2,
          topP: 0.9,
          topK: 40,
          seed: 7,
          presencePenalty: 0.1,
          frequencyPenalty: 0.3,
          stopSequences: ['END'],
          choices: 2,
          stream: true,
          metadata: { team: 'a' },
        }),
        options,
      ),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: {
        stopSequences: ['END'],
        candidateCount: 2,
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.3,
      },
    });
  });

  it('maps reasoning settings to a thinking budget with thought summaries', () => {
    expect(geminiThinkingConfig({ budgetTokens: 2048 })).toEqual({
      thinkingBudget: 2048,
      includeThoughts: true,
    });
    expect(geminiThinkingConfig({ budgetTokens: 3000, effort: 'high' })).toEqual({
      thinkingBudget: 3000,
      includeThoughts: true,
    });
    expect(geminiThinkingConfig({ effort: 'minimal' })?.thinkingBudget).toBe(512);
    expect(geminiThinkingConfig({ effort: 'low' })?.thinkingBudget).toBe(1024);
    expect(geminiThinkingConfig({ effort: 'medium' })?.thinkingBudget).toBe(8192);
    expect(geminiThinkingConfig({ effort: 'high' })?.thinkingBudget).toBe(24576);
    expect(geminiThinkingConfig({ disabled: true, effort: 'high' })).toEqual({ thinkingBudget: 0 });
    expect(geminiThinkingConfig({})).toBeUndefined();
    expect(
      encodeGeminiRequest(request({ reasoning: { effort: 'medium' } }), options).generationConfig,
    ).toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(
      encodeGeminiRequest(request({ reasoning: {} }), options).generationConfig,
    ).toBeUndefined();
  });

  it('honours modelInBody and merges bodyFields, one level deep for objects', () => {
    const body = encodeGeminiRequest(request({ temperature: 1 }), {
      ...options,
      modelInBody: true,
      bodyFields: {
        generationConfig: { responseModalities: ['TEXT'] },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
    });
    expect(body.model).toBe('gemini-2.5-flash');
    expect(body.generationConfig).toEqual({ temperature: 1, responseModalities: ['TEXT'] });
    expect(body.safetySettings).toHaveLength(1);
  });

  it('does not change the request (attempts share it)', () => {
    const shared = deepFreeze(
      request({
        system: [{ type: 'text', text: 'S' }],
        tools: [{ name: 'weather', parameters: weatherSchema }],
        toolChoice: { type: 'tool', name: 'weather' },
        responseFormat: { type: 'json-schema', name: 'x', schema: weatherSchema },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'A' },
              { type: 'reasoning', text: '', signature: 'c2ln' },
              { type: 'tool-call', id: 'c', name: 'weather', arguments: '{"location":"x"}' },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', content: [] }] },
        ],
      }),
    );
    const first = encodeGeminiRequest(shared, options);
    expect(encodeGeminiRequest(shared, options)).toEqual(first);
  });
});
