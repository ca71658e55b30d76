import { describe, expect, it } from 'vitest';
import { isModelAllowed } from './model-access.ts';

describe('isModelAllowed', () => {
  it.each([
    [null, 'anything', true],
    [['fast'], 'fast', true],
    [['fast'], 'fast2', false],
    [['mock/*'], 'mock/echo', true],
    [['mock/*'], 'mockery/echo', false],
    [['mock/*'], 'mock', false],
    [['*'], 'openai/gpt-4o', true],
    [[], 'fast', false],
  ] as const)('%j admits %s: %s', (allowed, model, expected) => {
    expect(isModelAllowed(allowed, model)).toBe(expected);
  });
});
