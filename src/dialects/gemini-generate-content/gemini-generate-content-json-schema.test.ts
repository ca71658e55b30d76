import { describe, expect, it } from 'vitest';
import { toGeminiJsonSchema } from './gemini-generate-content-json-schema.ts';

describe('toGeminiJsonSchema', () => {
  it('keeps every supported keyword as it is', () => {
    const schema = {
      $id: 'urn:x',
      type: 'object',
      title: 'Order',
      description: 'An order',
      properties: {
        id: { type: 'string', format: 'uuid' },
        size: { type: 'string', enum: ['S', 'M'] },
        count: { type: 'integer', minimum: 1, maximum: 9 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 0, maxItems: 3 },
        pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
        either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        one: { oneOf: [{ type: 'number' }, { type: ['string', 'null'] }] },
        extra: { type: 'object', additionalProperties: { type: 'number' } },
      },
      required: ['id'],
      propertyOrdering: ['id', 'size'],
      additionalProperties: false,
    };
    expect(toGeminiJsonSchema(schema)).toEqual(schema);
  });

  it('drops keywords Gemini does not take, at every depth', () => {
    expect(
      toGeminiJsonSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 9, pattern: '^a', default: 'a' },
          age: { type: 'number', exclusiveMinimum: 0, multipleOf: 1, examples: [3] },
          list: { type: 'array', uniqueItems: true, items: { type: 'string', not: {} } },
          flag: { type: 'boolean', enum: [true, false] },
        },
        patternProperties: { '^x': {} },
        propertyNames: { pattern: '^[a-z]+$' },
        minProperties: 1,
        if: {},
        then: {},
        nullable: true,
        'x-vendor': 1,
      }),
    ).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'number' },
        list: { type: 'array', items: { type: 'string' } },
        flag: { type: 'boolean' },
      },
    });
  });

  it('rewrites draft-07 definitions, const, a one-member allOf and tuple items', () => {
    expect(
      toGeminiJsonSchema({
        type: 'object',
        definitions: { Color: { type: 'string', enum: ['red'] } },
        properties: {
          color: { allOf: [{ $ref: '#/definitions/Color' }], description: 'The color' },
          kind: { const: 'fixed' },
          point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }] },
        },
      }),
    ).toEqual({
      type: 'object',
      $defs: { Color: { type: 'string', enum: ['red'] } },
      properties: {
        color: { anyOf: [{ $ref: '#/$defs/Color' }], description: 'The color' },
        kind: { enum: ['fixed'] },
        point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
      },
    });
  });

  it('moves keywords beside a $ref into an anyOf wrapper, keeping $defs at the root', () => {
    expect(
      toGeminiJsonSchema({
        $ref: '#/$defs/Node',
        description: 'A tree',
        $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } },
      }),
    ).toEqual({
      $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } },
      anyOf: [{ $ref: '#/$defs/Node' }],
      description: 'A tree',
    });
    expect(
      toGeminiJsonSchema({ $ref: '#/$defs/A', anyOf: [{ type: 'string' }], title: 'T' }),
    ).toEqual({ $ref: '#/$defs/A' });
  });

  it('keeps boolean sub-schemas and replaces junk with an empty schema', () => {
    expect(
      toGeminiJsonSchema({ type: 'object', additionalProperties: true, properties: { a: 3 } }),
    ).toEqual({ type: 'object', additionalProperties: true, properties: { a: {} } });
    expect(toGeminiJsonSchema('string')).toEqual({});
    expect(toGeminiJsonSchema(true)).toEqual({});
    expect(toGeminiJsonSchema({ type: 3, properties: [], required: [1] })).toEqual({});
  });

  it('stops at a depth no real schema reaches', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let depth = 0; depth < 80; depth += 1) {
      schema = { type: 'array', items: schema };
    }
    expect(JSON.stringify(toGeminiJsonSchema(schema)).length).toBeLessThan(
      JSON.stringify(schema).length,
    );
  });

  it('does not change its input', () => {
    const schema = Object.freeze({
      definitions: Object.freeze({ A: Object.freeze({ type: 'string' }) }),
      items: Object.freeze([Object.freeze({ type: 'string' })]),
    });
    expect(() => toGeminiJsonSchema(schema)).not.toThrow();
    expect(schema.items).toHaveLength(1);
  });
});
