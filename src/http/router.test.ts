import { describe, expect, it } from 'vitest';
import { Router } from './router.ts';

const router = new Router([
  { method: 'GET', path: '/v1/models', access: 'model', handler: 'models' },
  { method: 'POST', path: '/v1/chat/completions', access: 'model', handler: 'chat' },
  { method: 'GET', path: '/admin/keys/:id', access: 'admin', handler: 'get-key' },
  { method: 'DELETE', path: '/admin/keys/:id', access: 'admin', handler: 'revoke-key' },
]);

describe('Router', () => {
  it('matches literal and parameterised paths', () => {
    expect(router.match('POST', '/v1/chat/completions')).toMatchObject({
      kind: 'found',
      params: {},
    });
    expect(router.match('DELETE', '/admin/keys/Ab12_-')).toMatchObject({
      kind: 'found',
      route: { handler: 'revoke-key' },
      params: { id: 'Ab12_-' },
    });
  });

  it('reports the allowed methods for a known path', () => {
    expect(router.match('GET', '/v1/chat/completions')).toEqual({
      kind: 'wrong-method',
      allowed: ['POST'],
    });
    expect(router.match('PUT', '/admin/keys/x')).toEqual({
      kind: 'wrong-method',
      allowed: ['GET', 'DELETE'],
    });
  });

  it.each([
    '/v1/chat/completions/',
    '/v1//chat/completions',
    '/v1/chat%2Fcompletions',
    '/V1/chat/completions',
    '/v1/chat/completions;x',
    '/admin/keys/%2e%2e',
    '/admin/keys/../keys',
    '/admin/keys/',
  ])('matches nothing for %s (paths are compared exactly)', (path) => {
    expect(router.match('POST', path).kind === 'found').toBe(false);
    expect(router.match('GET', path).kind === 'found').toBe(false);
  });
});
