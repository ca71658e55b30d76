import { describe, expect, it } from 'vitest';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { findJsonObjectMembers } from '../lib/json-object-members.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import { takeRequestFallbacks } from './take-request-fallbacks.ts';

function parse(text: string): Record<string, unknown> {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw new Error(`not a JSON object: ${text}`);
  }
  return parsed.value;
}

function envelopeOf(text: string, model = 'main'): ModelRequestEnvelope {
  return {
    dialect: 'openai-chat',
    operation: 'chat',
    model,
    stream: false,
    clientWantsStreamUsage: false,
    forwardedHeaders: { 'anthropic-beta': 'x' },
    body: { text, value: parse(text), members: findJsonObjectMembers(text) },
  };
}

function refusal(text: string): GatewayError {
  try {
    takeRequestFallbacks(envelopeOf(text));
  } catch (error) {
    if (error instanceof GatewayError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('takeRequestFallbacks', () => {
  it('returns the envelope itself when there is no list', () => {
    const envelope = envelopeOf('{"model":"main","route":"fallback","messages":[]}');
    const taken = takeRequestFallbacks(envelope);
    expect(taken.envelope).toBe(envelope);
    expect(taken.models).toEqual([]);
  });

  it.each([
    { list: '["b","c"]', models: ['b', 'c'] },
    { list: '[]', models: [] },
    { list: '["b","b","c","b"]', models: ['b', 'c'] },
    // The requested model is not its own fallback.
    { list: '["main","b","main"]', models: ['b'] },
    { list: '["c","b"]', models: ['c', 'b'] },
    { list: '["p/model-1","alias with no rules"]', models: ['p/model-1', 'alias with no rules'] },
    {
      list: JSON.stringify(Array.from({ length: 8 }, (_, index) => `m${index}`)),
      models: Array.from({ length: 8 }, (_, index) => `m${index}`),
    },
    { list: JSON.stringify(['x'.repeat(256)]), models: ['x'.repeat(256)] },
  ])('takes $list as $models', ({ list, models }) => {
    const taken = takeRequestFallbacks(envelopeOf(`{"model":"main","models":${list}}`));
    expect(taken.models).toEqual(models);
    expect(taken.envelope.body.text).toBe('{"model":"main"}');
    expect(taken.envelope.body.value).toEqual({ model: 'main' });
  });

  it('removes `models` and `route: "fallback"` and keeps every other member\'s bytes', () => {
    const text =
      '{ "model" : "main", "temperature": 1.50, "models": ["b"], "route": "fallback",' +
      ' "messages": [ {"role":"user","content":"caf\\u00e9 \\"quoted\\""} ], "max_tokens":1e3,' +
      ' "x-unknown": {"nested": [1, 2.0]} }';
    const taken = takeRequestFallbacks(envelopeOf(text));
    expect(taken.models).toEqual(['b']);
    expect(taken.envelope.body.text).toBe(
      '{"model" : "main","temperature": 1.50,' +
        '"messages": [ {"role":"user","content":"caf\\u00e9 \\"quoted\\""} ],"max_tokens":1e3,' +
        '"x-unknown": {"nested": [1, 2.0]}}',
    );
    expect(taken.envelope.body.value).toEqual({
      model: 'main',
      temperature: 1.5,
      messages: [{ role: 'user', content: 'café "quoted"' }],
      max_tokens: 1000,
      'x-unknown': { nested: [1, 2] },
    });
    // The value is what the text says, and the member spans locate the new text.
    expect(parse(taken.envelope.body.text)).toEqual(taken.envelope.body.value);
    expect(taken.envelope.body.members).toEqual(findJsonObjectMembers(taken.envelope.body.text));
  });

  it.each([
    { route: '"other"', kept: { route: 'other' } },
    { route: '["fallback"]', kept: { route: ['fallback'] } },
    { route: 'null', kept: { route: null } },
  ])('keeps a route of $route', ({ route, kept }) => {
    const taken = takeRequestFallbacks(
      envelopeOf(`{"model":"main","models":["b"],"route":${route}}`),
    );
    expect(taken.envelope.body.value).toEqual({ model: 'main', ...kept });
    expect(taken.envelope.body.text).toBe(`{"model":"main","route":${route}}`);
  });

  it('takes the last of duplicated `models` members, as a parser does, and removes them all', () => {
    const taken = takeRequestFallbacks(
      envelopeOf('{"models":["x"],"model":"main","models":["b","c"]}'),
    );
    expect(taken.models).toEqual(['b', 'c']);
    expect(taken.envelope.body.text).toBe('{"model":"main"}');
  });

  it('recognises an escaped key', () => {
    const taken = takeRequestFallbacks(envelopeOf('{"model":"main","mod\\u0065ls":["b"]}'));
    expect(taken.models).toEqual(['b']);
    expect(taken.envelope.body.text).toBe('{"model":"main"}');
  });

  it('keeps the rest of the envelope and leaves the original untouched', () => {
    const text = '{"model":"main","models":["b"],"stream":true}';
    const envelope = envelopeOf(text);
    const taken = takeRequestFallbacks(envelope);
    expect({ ...taken.envelope, body: undefined }).toEqual({ ...envelope, body: undefined });
    expect(envelope.body.text).toBe(text);
    expect(envelope.body.value).toEqual({ model: 'main', models: ['b'], stream: true });
  });

  it('keeps a `__proto__` member as data in the value', () => {
    const taken = takeRequestFallbacks(
      envelopeOf('{"model":"main","models":["b"],"__proto__":{"stream":true}}'),
    );
    const value = taken.envelope.body.value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(value.stream).toBeUndefined();
    expect(parse(taken.envelope.body.text)).toEqual(value);
  });

  it.each([
    ['a string', '"b"'],
    ['null', 'null'],
    ['an object', '{"b":1}'],
    ['a number', '3'],
    ['a list with a number', '["b",1]'],
    ['a list with null', '[null]'],
    ['a list with an empty name', '["b",""]'],
    ['a list with a nested list', '[["b"]]'],
    ['a name over 256 characters', JSON.stringify(['x'.repeat(257)])],
    ['9 entries', JSON.stringify(Array.from({ length: 9 }, (_, index) => `m${index}`))],
    ['9 entries, even with duplicates', JSON.stringify(Array.from({ length: 9 }, () => 'b'))],
  ])('refuses %s with 400 SB_ERR_REQUEST_INVALID on `models`', (_, list) => {
    const error = refusal(`{"model":"main","models":${list}}`);
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.status).toBe(400);
    expect(error.param).toBe('models');
    expect(error.publicMessage).toContain('at most 8 model names');
  });
});
