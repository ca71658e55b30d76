import { describe, expect, it } from 'vitest';
import { readEndUser } from './end-user.ts';
import { checkOutputTokenCap } from './output-token-cap.ts';
import type { Principal } from './principal.ts';

describe('readEndUser', () => {
  it('prefers the header, then OpenAI user, then Anthropic metadata.user_id; never verified', () => {
    expect(readEndUser('h', { user: 'u', metadata: { user_id: 'm' } })).toEqual({
      id: 'h',
      verified: false,
    });
    expect(readEndUser(undefined, { user: 'u', metadata: { user_id: 'm' } })).toEqual({
      id: 'u',
      verified: false,
    });
    expect(readEndUser(undefined, { metadata: { user_id: 'm' } })).toEqual({
      id: 'm',
      verified: false,
    });
  });

  it('drops empty, long, control-character and non-string ids', () => {
    expect(readEndUser('', {})).toBeUndefined();
    expect(readEndUser(undefined, { user: 'x'.repeat(257) })).toBeUndefined();
    expect(readEndUser(undefined, { user: 'a\nb' })).toBeUndefined();
    expect(readEndUser(['a', 'b'], { user: 42 })).toBeUndefined();
  });
});

describe('checkOutputTokenCap', () => {
  const capped = { maxOutputTokens: 100 } as Principal;
  it.each([
    [{ max_tokens: 100 }, undefined],
    [{ max_completion_tokens: 50 }, undefined],
    [{ max_output_tokens: 101 }, 'max_output_tokens'],
    [{ max_tokens: '10' }, 'max_tokens'],
    [{}, undefined],
  ])('%j → %s', (body, param) => {
    expect(checkOutputTokenCap(capped, body, true)?.param).toBe(param);
  });

  it('ignores operations that generate nothing and keys without a cap', () => {
    expect(checkOutputTokenCap(capped, {}, false)).toBeUndefined();
    expect(checkOutputTokenCap({ maxOutputTokens: null } as Principal, {}, true)).toBeUndefined();
  });
});
