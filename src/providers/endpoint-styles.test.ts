import { describe, expect, it } from 'vitest';
import { buildEndpointUrl, modelPathSegment } from './endpoint-styles.ts';

describe('modelPathSegment', () => {
  // Found by endpoint-styles.property.test.ts: a lone surrogate made encodeURIComponent throw a
  // URIError instead of the deliberate refusal.
  it('refuses a model name that is not well-formed UTF-16 with the usual error', () => {
    expect(() => modelPathSegment('gpt\ud800')).toThrow('cannot be used as a model name in a URL');
    expect(() => modelPathSegment('\udc00')).toThrow('cannot be used as a model name in a URL');
    expect(modelPathSegment('gpt-\ud83d\ude00')).toBe('gpt-%F0%9F%98%80');
  });

  it('refuses dot segments and control characters, and encodes everything else into one segment', () => {
    for (const name of ['', '.', '..', 'a\nb', 'a\u0000']) {
      expect(() => modelPathSegment(name)).toThrow('cannot be used as a model name in a URL');
    }
    expect(modelPathSegment('../x?y#z@w')).toBe('..%2Fx%3Fy%23z%40w');
  });
});

describe('buildEndpointUrl', () => {
  it('refuses a setting that is not well-formed UTF-16 as a missing setting', () => {
    expect(() =>
      buildEndpointUrl(new URL('https://x.openai.azure.com'), 'azure-openai', {
        operation: 'chat',
        model: 'gpt',
        stream: false,
        settings: { apiVersion: '2024\ud800' },
      }),
    ).toThrow('the provider needs api_version');
  });
});
