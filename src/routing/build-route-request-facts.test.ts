import { describe, expect, it } from 'vitest';
import { openAiChatIngress } from '../dialects/openai-chat/openai-chat-codec.ts';
import { RequestTranslation } from '../upstream/request-translation.ts';
import { buildRouteRequestFacts } from './build-route-request-facts.ts';
import type { AsyncTextVectoriser } from './learned/router.ts';

function translation(messages: unknown[]): RequestTranslation {
  return new RequestTranslation(
    openAiChatIngress.decodeRequest(JSON.stringify({ model: 'm', messages }), 'chat'),
  );
}

const caller = {
  requestId: 'r1',
  key: { id: 'k1', name: 'key', team: undefined, tags: [] },
  headers: {},
  requestedTags: [],
  requestedRegion: undefined,
};

function encoder(id: string, encode: AsyncTextVectoriser['encode']): AsyncTextVectoriser {
  return { id, dimensions: 2, encode };
}

describe('buildRouteRequestFacts: routing text and vectors', () => {
  it("encodes the last user message with each router's asynchronous encoder", async () => {
    const seen: string[] = [];
    const facts = await buildRouteRequestFacts(
      translation([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'the question now' },
      ]),
      caller,
      [],
      [
        encoder('a', (texts) => {
          seen.push(...texts);
          return Promise.resolve([Float32Array.from([1, 0])]);
        }),
      ],
    );
    expect(facts.routingText()).toBe('the question now');
    expect(seen).toEqual(['the question now']);
    expect(facts.routingVector('a')).toEqual(Float32Array.from([1, 0]));
    expect(facts.routingVector('other')).toBeUndefined();
  });

  it('gives no vector for an encoder that fails or is too slow, without failing the request', async () => {
    const facts = await buildRouteRequestFacts(
      translation([{ role: 'user', content: 'hi' }]),
      caller,
      [],
      [
        encoder('broken', () => Promise.reject(new Error('model crashed'))),
        encoder('slow', () => new Promise(() => undefined)),
      ],
    );
    expect(facts.routingVector('broken')).toBeUndefined();
    expect(facts.routingVector('slow')).toBeUndefined();
    // The slow encoder never answers: were it awaited, this test would time out instead.
  });

  it('encodes nothing when the request has no user text', async () => {
    let calls = 0;
    const facts = await buildRouteRequestFacts(
      translation([{ role: 'system', content: 'x' }]),
      caller,
      [],
      [
        encoder('a', () => {
          calls += 1;
          return Promise.resolve([]);
        }),
      ],
    );
    expect(facts.routingText()).toBe('');
    expect(calls).toBe(0);
  });
});
