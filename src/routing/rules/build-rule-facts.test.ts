import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { FilePart, MediaSource, UserContentPart } from '../../canonical/content-part.ts';
import { buildRuleFacts, type RuleFactsSources } from './build-rule-facts.ts';

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'smart',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    ...fields,
  });
}

const sources: RuleFactsSources = {
  envelope: { model: 'smart', operation: 'chat', dialect: 'anthropic-messages', stream: true },
  chatRequest: chat(),
  estimatedInputTokens: 2048,
  requestedRegion: 'eu',
  requestedTags: ['gdpr'],
  headers: { 'content-type': 'application/json' },
  key: { id: 'key-1', name: 'prod', team: undefined, tags: ['internal'] },
};

function requestFacts(overrides: Partial<RuleFactsSources>) {
  return buildRuleFacts({ ...sources, ...overrides }).request;
}

function withParts(...content: UserContentPart[]): ChatRequest {
  return chat({ messages: [{ role: 'user', content }] });
}

function file(source: MediaSource, filename?: string): FilePart {
  return { type: 'file', source, filename };
}

describe('buildRuleFacts', () => {
  it('takes model, operation, dialect and stream from the envelope and the rest as given', () => {
    expect(buildRuleFacts(sources)).toEqual({
      request: {
        model: 'smart',
        operation: 'chat',
        dialect: 'anthropic-messages',
        stream: true,
        tools: false,
        json: false,
        images: false,
        audio: false,
        files: false,
        reasoning: false,
        inputTokens: 2048,
        maxTokens: 0,
        user: '',
        metadata: new Map(),
        region: 'eu',
        tags: ['gdpr'],
      },
      headers: new Map([['content-type', 'application/json']]),
      key: { id: 'key-1', name: 'prod', team: '', tags: ['internal'] },
    });
  });

  it.each<[string, ChatRequest, Record<string, unknown>]>([
    ['tools', chat({ tools: [{ name: 'lookup', parameters: {} }] }), { tools: true }],
    ['JSON mode', chat({ responseFormat: { type: 'json-object' } }), { json: true }],
    [
      'JSON schema output',
      chat({ responseFormat: { type: 'json-schema', name: 'answer', schema: {} } }),
      { json: true },
    ],
    ['text output', chat({ responseFormat: { type: 'text' } }), { json: false }],
    ['reasoning effort', chat({ reasoning: { effort: 'minimal' } }), { reasoning: true }],
    ['a thinking budget', chat({ reasoning: { budgetTokens: 1024 } }), { reasoning: true }],
    ['a zero thinking budget', chat({ reasoning: { budgetTokens: 0 } }), { reasoning: false }],
    [
      'thinking switched off',
      chat({ reasoning: { disabled: true, budgetTokens: 1024 } }),
      { reasoning: false },
    ],
    ['max output tokens', chat({ maxOutputTokens: 4096 }), { maxTokens: 4096 }],
    ['the end user', chat({ user: 'u-9' }), { user: 'u-9' }],
    ['metadata', chat({ metadata: { tier: 'gold' } }), { metadata: new Map([['tier', 'gold']]) }],
    [
      'an image',
      withParts({ type: 'image', source: { kind: 'url', url: 'https://x.test/a.png' } }),
      { images: true, audio: false, files: false },
    ],
    [
      'an image in a tool result',
      chat({
        messages: [
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                content: [
                  { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AA' } },
                ],
              },
            ],
          },
        ],
      }),
      { images: true },
    ],
    [
      'audio by media type',
      withParts(file({ kind: 'base64', mediaType: 'Audio/WAV', data: 'UklG' })),
      { audio: true, files: false },
    ],
    [
      'audio in a data URL',
      withParts(file({ kind: 'url', url: 'data:audio/mpeg;base64,SUQz' })),
      { audio: true, files: false },
    ],
    [
      'audio by URL extension',
      withParts(file({ kind: 'url', url: 'https://x.test/talk.MP3?signature=abc#t=1' })),
      { audio: true },
    ],
    [
      'audio by file name',
      withParts(file({ kind: 'file-id', fileId: 'file-1' }, 'meeting.m4a')),
      { audio: true },
    ],
    [
      'a PDF',
      withParts(file({ kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' })),
      { files: true, audio: false },
    ],
    [
      'a URL whose query looks like audio',
      withParts(file({ kind: 'url', url: 'https://x.test/doc?name=a.mp3' })),
      { files: true, audio: false },
    ],
    [
      'a dot in a directory name',
      withParts(file({ kind: 'url', url: 'https://x.test/v1.wav/report' })),
      { files: true, audio: false },
    ],
    [
      'a provider file id',
      withParts(file({ kind: 'file-id', fileId: 'file-abc' })),
      { files: true },
    ],
    [
      'image, audio and a document together',
      chat({
        messages: [
          { role: 'user', content: [{ type: 'image', source: { kind: 'file-id', fileId: 'f' } }] },
          { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
          {
            role: 'user',
            content: [
              file({ kind: 'base64', mediaType: 'audio/ogg', data: 'T2dn' }),
              file({ kind: 'url', url: 'https://x.test/a.pdf' }),
            ],
          },
        ],
      }),
      { images: true, audio: true, files: true },
    ],
  ])('reads %s from the chat request', (_name, chatRequest, expected) => {
    expect(requestFacts({ chatRequest })).toMatchObject(expected);
  });

  it('derives chat facts for count-tokens too: it routes like the chat it measures', () => {
    const facts = requestFacts({
      envelope: { ...sources.envelope, operation: 'count-tokens' },
      chatRequest: chat({ tools: [{ name: 'f', parameters: {} }] }),
    });
    expect(facts.tools).toBe(true);
  });

  it('ignores a chat request for other operations, and a missing one', () => {
    const chatRequest = chat({
      tools: [{ name: 'f', parameters: {} }],
      user: 'u',
      maxOutputTokens: 9,
    });
    expect(
      requestFacts({ envelope: { ...sources.envelope, operation: 'embeddings' }, chatRequest }),
    ).toMatchObject({ operation: 'embeddings', tools: false, user: '', maxTokens: 0 });
    expect(requestFacts({ chatRequest: undefined })).toMatchObject({ tools: false, images: false });
  });

  it('lower-cases header names, joins repeated values and drops credential headers', () => {
    const facts = buildRuleFacts({
      ...sources,
      headers: {
        Authorization: 'Bearer sk-live',
        'x-api-key': 'sk-ant',
        'X-Forwarded-For': ['10.0.0.1', '10.0.0.2'],
        'X-Region': 'eu',
        'x-region': 'us',
        'x-empty': undefined,
        'x-session-token': 'tok',
      },
    });
    expect(facts.headers).toEqual(
      new Map([
        ['x-forwarded-for', '10.0.0.1, 10.0.0.2'],
        ['x-region', 'eu'],
      ]),
    );
  });

  it('reads key team, region and tags as given, empty when absent', () => {
    const facts = buildRuleFacts({
      ...sources,
      requestedRegion: undefined,
      requestedTags: [],
      key: { id: 'k', name: 'n', team: 'ml', tags: [] },
    });
    expect(facts.request.region).toBe('');
    expect(facts.request.tags).toEqual([]);
    expect(facts.key).toEqual({ id: 'k', name: 'n', team: 'ml', tags: [] });
  });

  it('never throws on malformed input', () => {
    const malformed = {
      envelope: { model: 3, operation: 'chat', dialect: null, stream: 'yes' },
      chatRequest: {
        messages: [
          null,
          'text',
          { role: 'user' },
          { role: 'user', content: [null, 7, { type: 'file' }] },
        ],
        tools: 'all',
        responseFormat: null,
        reasoning: 'high',
        maxOutputTokens: Number.NaN,
        user: 5,
        metadata: ['a'],
      },
      estimatedInputTokens: -3,
      requestedRegion: 7,
      requestedTags: [1, 'eu', null],
      headers: null,
      key: null,
    } as unknown as RuleFactsSources;
    expect(buildRuleFacts(malformed)).toEqual({
      request: {
        model: '',
        operation: 'chat',
        dialect: '',
        stream: false,
        tools: false,
        json: false,
        images: false,
        audio: false,
        files: true,
        reasoning: false,
        inputTokens: 0,
        maxTokens: 0,
        user: '',
        metadata: new Map(),
        region: '',
        tags: ['eu'],
      },
      headers: new Map(),
      key: { id: '', name: '', team: '', tags: [] },
    });
    expect(() => buildRuleFacts({} as RuleFactsSources)).not.toThrow();
  });

  it('does not mutate its input', () => {
    const frozenChat = Object.freeze(chat({ metadata: Object.freeze({ a: 'b' }) }));
    const frozenHeaders = Object.freeze({ 'X-A': 'b' });
    expect(() =>
      buildRuleFacts({ ...sources, chatRequest: frozenChat, headers: frozenHeaders }),
    ).not.toThrow();
  });
});
