import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, readFuzzCorpus } from '../../test/helpers/fuzz-settings.ts';
import type { ModelOperation } from '../canonical/model-operation.ts';
import { safeParseJson } from '../lib/json.ts';
import { buildEndpointUrl, endpointStyles, type EndpointStyleId } from './endpoint-styles.ts';

// The model name can come from a client (providers that accept any model name), so no model name,
// and no configured setting, may move a request off the configured origin or out of its path.

const corpusLines = (name: string): string[] =>
  readFuzzCorpus('endpoint-url')
    .filter((entry) => entry.name === name)
    .flatMap((entry) => entry.text.split('\n'))
    .filter((line) => line !== '');

const illFormedModels = readFuzzCorpus('endpoint-url')
  .filter((entry) => entry.name.endsWith('.json'))
  .flatMap((entry) => {
    const parsed = safeParseJson(entry.text);
    return parsed.ok && Array.isArray(parsed.value)
      ? parsed.value.filter((item) => typeof item === 'string')
      : [];
  });

const hostileFragments = [
  ...corpusLines('models.txt'),
  ...illFormedModels,
  '/',
  '\\',
  '?',
  '#',
  ':',
  '@',
  '//',
  '%',
  '%2f',
  '%2F',
  '%5c',
  '.',
  '..',
  'evil.example',
  'https://evil.example',
  '\u0000',
  '\n',
  '\t',
  '\u007f',
  '\u00a0',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  'ａ',
  '．．',
  '\u2024\u2024',
  '%u002e',
  '&',
  '=',
  'api-version=x',
];
const hostile = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...hostileFragments), fc.string({ maxLength: 4 })), {
      maxLength: 5,
    })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(...hostileFragments),
);
const bases = [
  'https://api.example.com',
  'https://api.example.com/v1',
  'https://api.example.com/v1/',
  'http://127.0.0.1:8080/prefix//',
  'https://bedrock-runtime.us-east-1.amazonaws.com',
  'http://[::1]:9000/a/b',
];
const styles = Object.keys(endpointStyles) as EndpointStyleId[];
const operations: ModelOperation[] = ['chat', 'embeddings', 'count-tokens'];

/** The base's path with trailing slashes removed, as `buildEndpointUrl` joins it. */
const basePath = (base: URL): string => base.pathname.replace(/\/+$/, '');

function check(
  style: EndpointStyleId,
  baseText: string,
  operation: ModelOperation,
  model: string,
  stream: boolean,
  settings: { region?: string; project?: string; apiVersion?: string },
): void {
  const base = new URL(baseText);
  let url: URL | undefined;
  try {
    url = buildEndpointUrl(base, style, { operation, model, stream, settings });
  } catch (error) {
    // A refusal is fine, but only the deliberate one (never a URIError or a TypeError).
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toMatch(
      /cannot be used as a model name in a URL|the provider needs/,
    );
    return;
  }
  if (url === undefined) return;
  expect(url.origin).toBe(base.origin);
  expect(url.host).toBe(base.host);
  expect(url.username).toBe('');
  expect(url.password).toBe('');
  expect(url.hash).toBe('');
  expect(url.pathname.startsWith(`${basePath(base)}/`)).toBe(true);
  // The URL is already normal: parsing it again changes nothing (no dot segment left to resolve).
  expect(new URL(url.href).href).toBe(url.href);
  expect(url.pathname.split('/')).not.toContain('..');
  const segments = url.pathname
    .slice(basePath(base).length)
    .split('/')
    .map((segment) => decodeURIComponent(segment));
  if (
    url.pathname.slice(basePath(base).length).includes('model') &&
    style !== 'openai' &&
    style !== 'anthropic' &&
    style !== 'openai-responses'
  ) {
    // The model is exactly one path segment (before a `:method` suffix where the style has one).
    const holding = segments.filter(
      (segment) => segment === model || segment.startsWith(`${model}:`),
    );
    if (!(style === 'vertex-anthropic' && operation === 'count-tokens')) {
      expect(holding.length).toBeGreaterThanOrEqual(1);
    }
  }
  for (const key of url.searchParams.keys()) expect(['api-version', 'alt']).toContain(key);
  if (url.searchParams.has('api-version'))
    expect(url.searchParams.get('api-version')).toBe(settings.apiVersion);
}

describe('buildEndpointUrl (properties)', () => {
  it.each([...corpusLines('models.txt'), ...illFormedModels])(
    'corpus model %j stays on the configured origin',
    (model) => {
      for (const style of styles) {
        for (const base of bases) {
          check(style, base, 'chat', model, true, {
            region: 'us-east-1',
            project: 'p',
            apiVersion: '2024-10-21',
          });
        }
      }
    },
  );

  it.each(corpusLines('settings.txt'))(
    'corpus setting %j stays on the configured origin',
    (value) => {
      for (const style of styles) {
        check(style, bases[1] ?? '', 'chat', 'm', false, {
          region: value,
          project: value,
          apiVersion: value,
        });
      }
    },
  );

  it('never leaves the configured origin or path, whatever the model, settings and style', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...styles),
        fc.constantFrom(...bases),
        fc.constantFrom(...operations),
        hostile,
        fc.boolean(),
        fc.record({ region: hostile, project: hostile, apiVersion: hostile }, { requiredKeys: [] }),
        (style, base, operation, model, stream, settings) =>
          check(style, base, operation, model, stream, settings),
      ),
      fuzzParameters(1000),
    );
  });
});
