import { describe, expect, it } from 'vitest';
import { createChatRequest } from './chat-request.ts';
import {
  localizeRequestSignatures,
  signatureFor,
  tagEventSignature,
  tagRequestSignatures,
  tagResponseSignatures,
  tagSignature,
} from './signature-origin.ts';

const assistantTurn = createChatRequest({
  model: 'm',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'q' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'thinking', signature: 'SIG' },
        { type: 'redacted-reasoning', data: 'ENC' },
        { type: 'tool-call', id: 'c', name: 'f', arguments: '{}', signature: 'THOUGHT' },
        { type: 'text', text: 'a' },
      ],
    },
  ],
});

describe('signature origins', () => {
  it('tags once, and gives the raw value back only to the dialect that made it', () => {
    const tagged = tagSignature('anthropic-messages', 'EvQBCk+/=');
    expect(tagged).toBe('sbx1.anthropic-messages.EvQBCk+/=');
    expect(tagSignature('gemini-generate-content', tagged)).toBe(tagged);
    expect(signatureFor('anthropic-messages', tagged)).toBe('EvQBCk+/=');
    expect(signatureFor('gemini-generate-content', tagged)).toBeUndefined();
    expect(signatureFor('gemini-generate-content', 'untagged')).toBe('untagged');
  });

  it("tags a client's own signatures with its dialect, then keeps them only for that dialect", () => {
    const tagged = tagRequestSignatures(assistantTurn, 'anthropic-messages');
    expect(tagged.messages[1]?.content).toEqual([
      { type: 'reasoning', text: 'thinking', signature: 'sbx1.anthropic-messages.SIG' },
      { type: 'redacted-reasoning', data: 'sbx1.anthropic-messages.ENC' },
      {
        type: 'tool-call',
        id: 'c',
        name: 'f',
        arguments: '{}',
        signature: 'sbx1.anthropic-messages.THOUGHT',
      },
      { type: 'text', text: 'a' },
    ]);
    expect(localizeRequestSignatures(tagged, 'anthropic-messages').messages).toEqual(
      assistantTurn.messages,
    );
    // Another provider gets the reasoning text and the call, unsigned, and no encrypted reasoning.
    expect(
      localizeRequestSignatures(tagged, 'gemini-generate-content').messages[1]?.content,
    ).toEqual([
      { type: 'reasoning', text: 'thinking', signature: undefined },
      { type: 'tool-call', id: 'c', name: 'f', arguments: '{}', signature: undefined },
      { type: 'text', text: 'a' },
    ]);
  });

  it('leaves requests without assistant turns as they are', () => {
    const plain = createChatRequest({ model: 'm', messages: [{ role: 'user', content: [] }] });
    expect(tagRequestSignatures(plain, 'openai-chat')).toBe(plain);
    expect(localizeRequestSignatures(plain, 'openai-chat')).toBe(plain);
  });

  it("tags what a provider's answer carries, whole or streamed", () => {
    const response = tagResponseSignatures(
      {
        id: 'r',
        model: 'm',
        created: undefined,
        usage: undefined,
        choices: [
          {
            index: 0,
            finishReason: { unified: 'stop', raw: undefined },
            content:
              assistantTurn.messages[1]?.role === 'assistant'
                ? assistantTurn.messages[1].content
                : [],
          },
        ],
      },
      'gemini-generate-content',
    );
    expect(response.choices[0]?.content[0]).toEqual({
      type: 'reasoning',
      text: 'thinking',
      signature: 'sbx1.gemini-generate-content.SIG',
    });
    expect(
      tagEventSignature(
        { type: 'reasoning-end', choice: 0, part: 0, signature: 'S' },
        'openai-responses',
      ),
    ).toEqual({
      type: 'reasoning-end',
      choice: 0,
      part: 0,
      signature: 'sbx1.openai-responses.S',
    });
    expect(
      tagEventSignature(
        { type: 'reasoning-start', choice: 0, part: 0, redactedData: 'D' },
        'anthropic-messages',
      ),
    ).toMatchObject({ redactedData: 'sbx1.anthropic-messages.D' });
    expect(
      tagEventSignature(
        { type: 'tool-call-start', choice: 0, part: 1, id: 'i', name: 'n', signature: 'T' },
        'gemini-generate-content',
      ),
    ).toMatchObject({ signature: 'sbx1.gemini-generate-content.T' });
    const plain = { type: 'text-delta', choice: 0, part: 0, delta: 'x' } as const;
    expect(tagEventSignature(plain, 'openai-chat')).toBe(plain);
    const unsigned = { type: 'reasoning-end', choice: 0, part: 0 } as const;
    expect(tagEventSignature(unsigned, 'openai-chat')).toBe(unsigned);
  });
});
