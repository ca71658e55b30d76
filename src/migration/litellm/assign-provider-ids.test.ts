import { describe, expect, it } from 'vitest';
import { assignProviderIds, toIdentifier, type IdRequest } from './assign-provider-ids.ts';

const request = (base: string, qualifier?: string, extra: Partial<IdRequest> = {}): IdRequest => ({
  base,
  qualifier,
  alwaysQualified: false,
  preferred: undefined,
  ...extra,
});

describe('assignProviderIds', () => {
  it.each<[string, IdRequest[], string[], string[]]>([
    ['a lone provider is named by its base', [request('openai')], [], ['openai']],
    [
      'several of one base are told apart by their qualifier',
      [request('openai-compatible', 'vllm1'), request('openai-compatible', 'vllm2')],
      [],
      ['openai-compatible-vllm1', 'openai-compatible-vllm2'],
    ],
    [
      'clouds always show their region',
      [request('bedrock', 'us-east-1', { alwaysQualified: true })],
      [],
      ['bedrock-us-east-1'],
    ],
    [
      'the rest of a clash gets a number',
      [request('openai'), request('openai')],
      [],
      ['openai', 'openai-2'],
    ],
    ['reserved ids are never given', [request('openai')], ['openai'], ['openai-2']],
    [
      'a preferred id wins over the base of another',
      [request('openai'), request('openai', undefined, { preferred: 'openai' })],
      [],
      ['openai-2', 'openai'],
    ],
    [
      'a preferred id that is reserved is not given',
      [request('openai', undefined, { preferred: 'openai' })],
      ['openai'],
      ['openai-2'],
    ],
  ])('%s', (_name, requests, reserved, expected) => {
    expect(assignProviderIds(requests, new Set(reserved))).toEqual(expected);
  });
});

describe('toIdentifier', () => {
  it.each([
    ['Azure EastUS', 'azure-eastus'],
    ['--x__', 'x__'],
    ['***', 'provider'],
    [`a${'b'.repeat(80)}`, `a${'b'.repeat(62)}`],
  ])('%j becomes %j', (text, id) => {
    expect(toIdentifier(text)).toBe(id);
  });
});
