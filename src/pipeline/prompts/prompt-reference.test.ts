import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { readPromptReference, readPromptSelection } from './prompt-reference.ts';

function paramOf(value: unknown): string | undefined {
  try {
    readPromptReference(value);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'SB_ERR_REQUEST_INVALID')
      return error.param;
    throw error;
  }
  throw new Error('expected the reference to be refused');
}

describe('readPromptReference', () => {
  it('selects the production label when neither version nor label is given', () => {
    expect(readPromptReference({ id: 'support-answer' })).toEqual({
      id: 'support-answer',
      label: 'production',
      variables: undefined,
    });
    expect(readPromptReference({ id: 'a', version: null, label: null, variables: null })).toEqual({
      id: 'a',
      label: 'production',
      variables: null,
    });
  });

  it('reads a version as a number or a string of digits, and a label', () => {
    expect(readPromptReference({ id: 'a', version: 3, variables: { x: 1 } })).toEqual({
      id: 'a',
      version: 3,
      variables: { x: 1 },
    });
    expect(readPromptReference({ id: 'a', version: '12' })).toMatchObject({ version: 12 });
    expect(readPromptReference({ id: 'a', label: 'latest' })).toMatchObject({ label: 'latest' });
    expect(readPromptReference({ id: 'a', label: 'canary-2' })).toMatchObject({
      label: 'canary-2',
    });
  });

  it.each([
    [undefined, 'prompt'],
    ['support', 'prompt'],
    [[{ id: 'a' }], 'prompt'],
    [{}, 'prompt.id'],
    [{ id: 'Support' }, 'prompt.id'],
    [{ id: '' }, 'prompt.id'],
    [{ id: 'a'.repeat(65) }, 'prompt.id'],
    [{ id: "a' OR 1=1" }, 'prompt.id'],
    [{ id: 7 }, 'prompt.id'],
    [{ id: 'a', version: 0 }, 'prompt.version'],
    [{ id: 'a', version: -1 }, 'prompt.version'],
    [{ id: 'a', version: 1.5 }, 'prompt.version'],
    [{ id: 'a', version: '1.5' }, 'prompt.version'],
    [{ id: 'a', version: '' }, 'prompt.version'],
    [{ id: 'a', version: 2 ** 53 }, 'prompt.version'],
    [{ id: 'a', version: 1, label: 'production' }, 'prompt.version'],
    [{ id: 'a', label: 'Production' }, 'prompt.label'],
    [{ id: 'a', label: '1abc' }, 'prompt.label'],
    [{ id: 'a', label: 3 }, 'prompt.label'],
    [{ id: 'a', variables: [] }, 'prompt.variables'],
    [{ id: 'a', variables: 'x' }, 'prompt.variables'],
    [{ id: 'a', template: 'x' }, 'prompt.template'],
  ])('refuses %j naming %s', (value, param) => {
    expect(paramOf(value)).toBe(param);
  });
});

describe('readPromptSelection', () => {
  it('names fields without a prefix for admin bodies', () => {
    expect(readPromptSelection({ version: '4' }, '')).toEqual({ version: 4 });
    expect(() => readPromptSelection({ label: 'BAD' }, '')).toThrow(
      expect.objectContaining({ param: 'label' }) as Error,
    );
  });
});
