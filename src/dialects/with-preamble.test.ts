import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../canonical/chat-request.ts';
import type { RequestPreamble } from '../canonical/request-preamble.ts';
import { anthropicMessagesIngress } from './anthropic-messages/anthropic-messages-codec.ts';
import type { IngressCodec } from './dialect-codec.ts';
import { openAiChatIngress } from './openai-chat/openai-chat-codec.ts';
import { openAiResponsesIngress } from './openai-responses/openai-responses-codec.ts';

const preamble: RequestPreamble = {
  system: ['Reference: refunds within 30 days.', 'You are the support assistant.'],
  messages: [
    { role: 'user', content: 'Example question' },
    { role: 'assistant', content: 'Example answer' },
  ],
};

/** Each ingress dialect's body with the client's own system text and one user turn. */
const bodies: readonly {
  readonly name: string;
  readonly codec: IngressCodec;
  readonly body: Record<string, unknown>;
}[] = [
  {
    name: 'openai-chat',
    codec: openAiChatIngress,
    body: {
      model: 'm',
      messages: [
        { role: 'system', content: 'Client system.' },
        { role: 'user', content: 'Client question' },
      ],
    },
  },
  {
    name: 'anthropic-messages',
    codec: anthropicMessagesIngress,
    body: {
      model: 'm',
      max_tokens: 10,
      system: 'Client system.',
      messages: [{ role: 'user', content: 'Client question' }],
    },
  },
  {
    name: 'openai-responses',
    codec: openAiResponsesIngress,
    body: { model: 'm', instructions: 'Client system.', input: 'Client question' },
  },
];

function canonical(codec: IngressCodec, body: Record<string, unknown>): ChatRequest {
  return codec.toChatRequest(codec.decodeRequest(JSON.stringify(body), 'chat'));
}

/** The request's system text and turns as plain strings, whatever the dialect's layout. */
function flatten(request: ChatRequest): { system: string; turns: string[] } {
  const text = (parts: readonly { type: string }[]): string =>
    parts
      .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
      .join('');
  const systemMessages = request.messages.filter((message) => message.role === 'system');
  return {
    system: [
      ...request.system.map((part) => part.text),
      ...systemMessages.map((m) => text(m.content)),
    ].join('\n\n'),
    turns: request.messages
      .filter((message) => message.role !== 'system')
      .map((message) => `${message.role}: ${text(message.content)}`),
  };
}

describe('withPreamble on every chat ingress dialect', () => {
  for (const { name, codec, body } of bodies) {
    it(`${name}: puts the preamble's system text and turns before the client's`, () => {
      const before = flatten(canonical(codec, body));
      const after = flatten(canonical(codec, codec.withPreamble(body, preamble)));
      expect(after.system).toBe(
        [
          'Reference: refunds within 30 days.',
          'You are the support assistant.',
          before.system,
        ].join('\n\n'),
      );
      expect(after.turns).toEqual([
        'user: Example question',
        'assistant: Example answer',
        ...before.turns,
      ]);
    });

    it(`${name}: never changes the body it was given`, () => {
      const copy = structuredClone(body);
      codec.withPreamble(body, preamble);
      expect(body).toEqual(copy);
    });

    it(`${name}: an empty preamble changes nothing the model sees`, () => {
      expect(canonical(codec, codec.withPreamble(body, { system: [], messages: [] }))).toEqual(
        canonical(codec, body),
      );
    });
  }

  it('fills a request that has no turns of its own from the preamble (a prompt-only request)', () => {
    const chat = canonical(
      openAiChatIngress,
      openAiChatIngress.withPreamble({ model: 'm' }, preamble),
    );
    expect(flatten(chat).turns).toEqual(['user: Example question', 'assistant: Example answer']);
    const responses = canonical(
      openAiResponsesIngress,
      openAiResponsesIngress.withPreamble({ model: 'm' }, preamble),
    );
    expect(flatten(responses).turns).toEqual([
      'user: Example question',
      'assistant: Example answer',
    ]);
  });

  it('leaves fields of the wrong type for the decoder to refuse', () => {
    const chat = openAiChatIngress.withPreamble({ model: 'm', messages: 'oops' }, preamble);
    expect(() => openAiChatIngress.decodeRequest(JSON.stringify(chat), 'chat')).toThrow();
    const anthropic = anthropicMessagesIngress.withPreamble(
      { model: 'm', max_tokens: 5, system: 7, messages: [{ role: 'user', content: 'q' }] },
      preamble,
    );
    expect(anthropic.system).toBe(7);
  });
});
