import { describe, expect, it } from 'vitest';
import { createStaticHeaderAuthorizer } from './static-header-authorizer.ts';

const request = {
  method: 'POST',
  url: new URL('https://api.example.com/v1/chat/completions'),
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

describe('createStaticHeaderAuthorizer', () => {
  it('answers synchronously with the same frozen headers every time', () => {
    const authorizer = createStaticHeaderAuthorizer({ 'x-api-key': 'sk-test' });
    const first = authorizer.authorize(request);
    expect(first).toEqual({ 'x-api-key': 'sk-test' });
    expect(first).not.toBeInstanceOf(Promise);
    expect(authorizer.authorize({ ...request, body: '{"other":true}' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('is not changed by later edits of the headers it was given', () => {
    const headers: Record<string, string> = { authorization: 'Bearer a' };
    const authorizer = createStaticHeaderAuthorizer(headers);
    headers.authorization = 'Bearer b';
    expect(authorizer.authorize(request)).toEqual({ authorization: 'Bearer a' });
  });

  it('adds nothing when given nothing', () => {
    expect(createStaticHeaderAuthorizer({}).authorize(request)).toEqual({});
  });
});
