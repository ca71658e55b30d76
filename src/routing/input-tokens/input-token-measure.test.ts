import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { ImagePart, TextPart } from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';
import { estimateInputTokens } from '../../upstream/estimate-input-tokens.ts';
import { ensureTokenizerFor } from './ensure-tokenizer-for.ts';
import { InputTokenMeasure } from './input-token-measure.ts';
import { tokenCorpus, tokenCorpusFragments } from './token-corpus.fixture.ts';

beforeAll(async () => {
  expect(await ensureTokenizerFor('gpt-4o')).toBe(true);
  expect(await ensureTokenizerFor('gpt-4')).toBe(true);
});

function userText(text: string, fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'client-model',
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    ...fields,
  });
}

const image: ImagePart = {
  type: 'image',
  source: { kind: 'url', url: 'https://example.com/a.png' },
};
const weatherSchema: JsonObject = {
  type: 'object',
  properties: { location: { type: 'string', description: 'City and country' } },
  required: ['location'],
};

describe('InputTokenMeasure upper bound', () => {
  it('is the UTF-8 bytes plus documented allowances for a one-message request', () => {
    // 11 bytes + 1 segment + 64 request + 16 message + 8 part
    expect(new InputTokenMeasure(userText('hello world')).upperBound()).toBe(100);
    // "héllo 世界": 13 bytes
    expect(new InputTokenMeasure(userText('héllo 世界')).upperBound()).toBe(102);
  });

  it('counts the system block, tools with their schema laid out, and tool-use instructions', () => {
    const request = userText('hi', {
      system: [{ type: 'text', text: 'Be brief.' }],
      tools: [{ name: 'weather', description: 'Weather now', parameters: weatherSchema }],
    });
    const compact = JSON.stringify(weatherSchema);
    const pretty = JSON.stringify(weatherSchema, null, 2);
    const expected =
      2 + 9 + 'weather'.length + 'Weather now'.length + pretty.length + 5 * 1 + 64 + 2 * 16 + 2 * 8;
    expect(compact.length).toBeLessThan(pretty.length);
    expect(new InputTokenMeasure(request).upperBound()).toBe(expected + 1024 + 32);
  });

  it('charges each image the generic bound, and GPT-4o mini its own 48,169', () => {
    const request = createChatRequest({
      model: 'client-model',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'compare' }, image, image] }],
    });
    const measure = new InputTokenMeasure(request);
    expect(measure.upperBound()).toBe(7 + 1 + 64 + 16 + 3 * 8 + 2 * 6400);
    expect(measure.upperBoundFor('claude-sonnet-4-5')).toBe(measure.upperBound());
    expect(measure.upperBoundFor('gpt-4o')).toBe(measure.upperBound());
    expect(measure.upperBoundFor('gpt-4o-mini-2024-07-18')).toBe(
      measure.upperBound() + 2 * (48_169 - 6400),
    );
  });

  it('bounds an inline text file by its decoded bytes and gives up on a PDF or a file URL', () => {
    const text = 'one line of text\n'.repeat(100);
    const data = Buffer.from(text).toString('base64');
    const file = (mediaType: string): ChatRequest =>
      createChatRequest({
        model: 'client-model',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', filename: 'notes.txt', source: { kind: 'base64', mediaType, data } },
            ],
          },
        ],
      });
    const textFile = new InputTokenMeasure(file('text/plain; charset=utf-8'));
    expect(textFile.hasUncountableContent()).toBe(false);
    expect(textFile.upperBound()).toBe(Math.ceil((data.length * 3) / 4) + 9 + 1 + 64 + 16 + 8 + 32);
    expect(textFile.upperBound()).toBeGreaterThanOrEqual(Buffer.byteLength(text));
    expect(new InputTokenMeasure(file('application/json')).hasUncountableContent()).toBe(false);

    const pdf = new InputTokenMeasure(file('application/pdf'));
    expect(pdf.hasUncountableContent()).toBe(true);
    expect(pdf.upperBound()).toBe(Number.POSITIVE_INFINITY);
    expect(pdf.exactFor('gpt-4o')).toBeUndefined();
    expect(pdf.exactCountWithin('gpt-4o', 1_000_000)).toBeUndefined();

    const byUrl = createChatRequest({
      model: 'client-model',
      messages: [
        {
          role: 'user',
          content: [{ type: 'file', source: { kind: 'url', url: 'https://x/a.txt' } }],
        },
      ],
    });
    expect(new InputTokenMeasure(byUrl).upperBound()).toBe(Number.POSITIVE_INFINITY);
  });

  it('is computed once and cached', () => {
    const measure = new InputTokenMeasure(userText('cached'));
    expect(measure.upperBound()).toBe(measure.upperBound());
  });
});

describe('InputTokenMeasure exact count', () => {
  it('follows OpenAI chat framing: text + 4 per message + 3 to prime the reply', () => {
    const measure = new InputTokenMeasure(userText('hello world'));
    expect(measure.exactFor('gpt-4o')).toBe(2 + 4 + 3);
    expect(measure.exactFor('openai/gpt-4o-2024-08-06')).toBe(9);
    expect(measure.exactFor('gpt-4')).toBe(9);
  });

  it('is undefined for families without a tokenizer', () => {
    const measure = new InputTokenMeasure(userText('hello world'));
    expect(measure.exactFor('claude-sonnet-4-5')).toBeUndefined();
    expect(measure.exactFor('gemini-2.5-pro')).toBeUndefined();
    expect(measure.exactCountWithin('gemini-2.5-pro', 10)).toBeUndefined();
  });

  it('counts images at the family maximum (1,445 on GPT-4o, 48,169 on GPT-4o mini)', () => {
    const request = createChatRequest({
      model: 'client-model',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }, image] }],
    });
    const measure = new InputTokenMeasure(request);
    expect(measure.exactFor('gpt-4o')).toBe(2 + 4 + 1 + 3 + 1445);
    expect(measure.exactFor('gpt-4o-mini')).toBe(2 + 4 + 1 + 3 + 48_169);
    expect(measure.exactFor('gpt-5')).toBe(2 + 4 + 1 + 3 + 6400);
  });

  it('agrees with exactCountWithin at every limit around it, in any order', () => {
    const text = tokenCorpusFragments.join('').repeat(20);
    const measure = new InputTokenMeasure(userText(text));
    const probe = new InputTokenMeasure(userText(text));
    const exact = probe.exactFor('gpt-4o') ?? Number.NaN;
    for (const limit of [exact - 1, 10, exact + 5, exact, 0, exact - 100, exact * 2]) {
      expect(measure.exactCountWithin('gpt-4o', limit), `limit ${limit}`).toBe(exact <= limit);
    }
    expect(measure.exactFor('gpt-4o')).toBe(exact);
    expect(measure.exactCountWithin('gpt-4o', exact - 1)).toBe(false);
  });

  it('keeps the estimate of estimateInputTokens', () => {
    const request = userText('an estimate of four characters a token');
    expect(new InputTokenMeasure(request).estimate()).toBe(estimateInputTokens(request));
  });
});

const textArbitrary = fc.oneof(
  fc.constantFrom(...tokenCorpusFragments),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const textPart = textArbitrary.map((text): TextPart => ({ type: 'text', text }));
const schemaArbitrary = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 5,
}) as fc.Arbitrary<JsonObject>;

const messageArbitrary: fc.Arbitrary<ChatMessage> = fc.oneof(
  fc.record({
    role: fc.constant('user' as const),
    content: fc.array(
      fc.oneof(
        textPart,
        fc.constant(image),
        fc.constant({
          type: 'file' as const,
          source: { kind: 'base64' as const, mediaType: 'text/csv', data: 'YSxiLGMKMSwyLDMK' },
        }),
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    role: fc.constant('assistant' as const),
    content: fc.array(
      fc.oneof(
        textPart,
        fc.record({
          type: fc.constant('reasoning' as const),
          text: textArbitrary,
          signature: fc.string(),
        }),
        fc.record({ type: fc.constant('redacted-reasoning' as const), data: fc.base64String() }),
        fc.record({ type: fc.constant('refusal' as const), text: textArbitrary }),
        fc.record({
          type: fc.constant('tool-call' as const),
          id: fc.string({ maxLength: 12 }),
          name: fc.string({ maxLength: 12 }),
          arguments: fc.json(),
        }),
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    role: fc.constant('tool' as const),
    content: fc.array(
      fc.record({
        type: fc.constant('tool-result' as const),
        toolCallId: fc.string({ maxLength: 12 }),
        toolName: fc.string({ maxLength: 12 }),
        content: fc.array(fc.oneof(textPart, fc.constant(image)), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({
    role: fc.constant('system' as const),
    content: fc.array(textPart, { maxLength: 2 }),
  }),
);

const requestArbitrary: fc.Arbitrary<ChatRequest> = fc
  .record({
    system: fc.array(textPart, { maxLength: 2 }),
    messages: fc.array(messageArbitrary, { maxLength: 6 }),
    tools: fc.array(
      fc.record({
        name: fc.string({ maxLength: 16 }),
        description: fc.option(textArbitrary, { nil: undefined }),
        parameters: schemaArbitrary,
      }),
      { maxLength: 3 },
    ),
    responseFormat: fc.oneof(
      fc.constant(undefined),
      fc.constant({ type: 'json-object' as const }),
      fc.record({
        type: fc.constant('json-schema' as const),
        name: fc.string(),
        schema: schemaArbitrary,
      }),
    ),
  })
  .map((fields) => createChatRequest({ model: 'client-model', ...fields }));

describe('InputTokenMeasure guarantee: the exact count never exceeds the upper bound', () => {
  it('holds for the text alone, with no allowance to hide in, over the seeded corpus', () => {
    // One user message: the bound adds 64 + 16 + 8 around the text, the exact count 4 + 3.
    for (const text of tokenCorpus(31, 300)) {
      const measure = new InputTokenMeasure(userText(text));
      for (const model of ['gpt-4o', 'gpt-4']) {
        const exactText = (measure.exactFor(model) ?? Number.NaN) - 7;
        expect(exactText).toBeLessThanOrEqual(measure.upperBound() - 88 - 1);
      }
    }
  });

  it('holds for arbitrary requests on every family with a tokenizer (fast-check)', () => {
    const models = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'o3', 'gpt-4', 'gpt-3.5-turbo'];
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        const measure = new InputTokenMeasure(request);
        const bound = measure.upperBound();
        for (const model of models) {
          const exact = measure.exactFor(model);
          expect(exact).toBeDefined();
          expect(exact).toBeLessThanOrEqual(measure.upperBoundFor(model));
          expect(measure.upperBoundFor(model)).toBeGreaterThanOrEqual(bound);
          const fresh = new InputTokenMeasure(request);
          expect(fresh.exactCountWithin(model, exact ?? 0)).toBe(true);
          expect(fresh.exactCountWithin(model, (exact ?? 0) - 1)).toBe(false);
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});
