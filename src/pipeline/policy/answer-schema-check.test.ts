import { describe, expect, it } from 'vitest';
import type { ResponseFormat } from '../../canonical/chat-request.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { compileAnswerSchemaCheck, maximumListedProblems } from './answer-schema-check.ts';
import { maximumSchemaCharacters, maximumSchemaDepth } from './output-schema-limits.ts';

function schemaFormat(schema: Record<string, unknown>): ResponseFormat {
  return { type: 'json-schema', name: 'answer', schema, strict: true };
}

const person = schemaFormat({
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[A-Z][a-z]+$' },
    age: { type: 'integer', minimum: 0 },
  },
  required: ['name', 'age'],
  additionalProperties: false,
});

function refusal(format: ResponseFormat): GatewayError {
  try {
    compileAnswerSchemaCheck(format, 'fallback');
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the schema was accepted');
}

describe('compileAnswerSchemaCheck', () => {
  it('checks nothing without a format, or for plain text', () => {
    expect(compileAnswerSchemaCheck(undefined, 'fallback')).toBeUndefined();
    expect(compileAnswerSchemaCheck({ type: 'text' }, 'error')).toBeUndefined();
  });

  it('accepts an answer that matches the schema, and keeps the policy choice', () => {
    const check = compileAnswerSchemaCheck(person, 'error');
    expect(check?.onInvalid).toBe('error');
    expect(check?.problems(' {"name": "Ada", "age": 36}\n')).toEqual([]);
  });

  it('lists where and why an answer fails, never a value of the answer', () => {
    const check = compileAnswerSchemaCheck(person, 'fallback');
    const problems = check?.problems('{"name": "secret-value", "age": -417}') ?? [];
    expect(problems).toEqual([
      '#/name: fails "pattern" at #/properties/name/pattern',
      '#/age: fails "minimum" at #/properties/age/minimum',
    ]);
    expect(problems.join(' ')).not.toMatch(/secret-value|417/);
    expect(check?.problems('{"name": "Ada"}')).toEqual(['#: fails "required" at #/required']);
    expect(check?.problems('not json at all')).toEqual(['#: not valid JSON']);
  });

  it('lists at most five problems', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 8 }, (_, index) => [`field${String(index)}`, { type: 'string' }]),
    );
    const check = compileAnswerSchemaCheck(schemaFormat({ type: 'object', properties }), 'error');
    const answer = JSON.stringify(
      Object.fromEntries(Object.keys(properties).map((key) => [key, 1])),
    );
    expect(check?.problems(answer)).toHaveLength(maximumListedProblems);
  });

  it('checks only for a JSON object in json_object mode', () => {
    const check = compileAnswerSchemaCheck({ type: 'json-object' }, 'fallback');
    expect(check?.problems('{"anything": [1, 2]}')).toEqual([]);
    expect(check?.problems('[1, 2]')).toEqual(['#: not a JSON object']);
    expect(check?.problems('"text"')).toEqual(['#: not a JSON object']);
    expect(check?.problems('{')).toEqual(['#: not valid JSON']);
  });

  it('refuses a schema whose pattern could backtrack catastrophically, with a 400', () => {
    const error = refusal(
      schemaFormat({ type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' } } }),
    );
    expect(error.code).toBe('SB_ERR_REQUEST_SCHEMA_UNSAFE');
    expect(error.status).toBe(400);
    expect(error.publicMessage).toContain('#/properties/id/pattern');
    expect(
      refusal(schemaFormat({ type: 'object', patternProperties: { '(\\w|\\d)*$': {} } })).code,
    ).toBe('SB_ERR_REQUEST_SCHEMA_UNSAFE');
    expect(refusal(schemaFormat({ type: 'string', pattern: '(a)\\1' })).publicMessage).toContain(
      'backreferences',
    );
  });

  it('reads patterns only where a schema has them (not in enum values or property names)', () => {
    const check = compileAnswerSchemaCheck(
      schemaFormat({
        type: 'object',
        properties: { pattern: { enum: [{ pattern: '(a+)+' }] } },
      }),
      'fallback',
    );
    expect(check?.problems('{"pattern": {"pattern": "(a+)+"}}')).toEqual([]);
  });

  it('refuses a schema that is too large or too deep', () => {
    const large = refusal(
      schemaFormat({ type: 'string', description: 'x'.repeat(maximumSchemaCharacters) }),
    );
    expect(large.code).toBe('SB_ERR_REQUEST_SCHEMA_UNSAFE');
    expect(large.publicMessage).toContain('larger than');
    let deep: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < maximumSchemaDepth; level += 1) {
      deep = { type: 'object', properties: { inner: deep } };
    }
    expect(refusal(schemaFormat(deep)).publicMessage).toContain('deeper than');
  });

  it('does not change the schema it was given', () => {
    const schema = {
      type: 'object',
      properties: { item: { $ref: '#/$defs/item' } },
      $defs: { item: { type: 'string' } },
    };
    const before = JSON.stringify(schema);
    const check = compileAnswerSchemaCheck(schemaFormat(schema), 'fallback');
    expect(check?.problems('{"item": 3}')).toHaveLength(1);
    expect(JSON.stringify(schema)).toBe(before);
  });
});
