import { DEFAULT_ENCODING, modelToEncodingMap } from 'gpt-tokenizer/mapping';
import * as packageModels from 'gpt-tokenizer/models';
import { describe, expect, it } from 'vitest';
import { tokenProfileForModel } from './model-token-profile.ts';

describe('tokenProfileForModel', () => {
  it.each([
    ['gpt-4o', 'gpt-4o', 'o200k_base'],
    ['gpt-4o-2024-08-06', 'gpt-4o', 'o200k_base'],
    ['openai/gpt-4o', 'gpt-4o', 'o200k_base'],
    ['azure/GPT-4o', 'gpt-4o', 'o200k_base'],
    ['gpt-4o:online', 'gpt-4o', 'o200k_base'],
    ['chatgpt-4o-latest', 'chatgpt-4o', 'o200k_base'],
    ['gpt-4o-mini', 'gpt-4o-mini', 'o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 'o200k_base'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'gpt-4o-mini', 'o200k_base'],
    ['gpt-4.1', 'gpt-4.1', 'o200k_base'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1', 'o200k_base'],
    ['gpt-4.5-preview', 'gpt-4.5', 'o200k_base'],
    ['gpt-5', 'gpt-5', 'o200k_base'],
    ['gpt-5-mini', 'gpt-5', 'o200k_base'],
    ['gpt-5.1-codex-max', 'gpt-5', 'o200k_base'],
    ['o1', 'o1', 'o200k_base'],
    ['o1-mini', 'o1', 'o200k_base'],
    ['o3-mini-2025-01-31', 'o3', 'o200k_base'],
    ['o4-mini', 'o4', 'o200k_base'],
    ['codex-mini-latest', 'codex-mini', 'o200k_base'],
    ['gpt-oss-120b', 'gpt-oss', 'o200k_base'],
    ['openai.gpt-oss-20b-1:0', 'gpt-oss', 'o200k_base'],
    ['gpt-4', 'gpt-4', 'cl100k_base'],
    ['gpt-4-0613', 'gpt-4', 'cl100k_base'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4', 'cl100k_base'],
    ['gpt-3.5-turbo', 'gpt-3.5', 'cl100k_base'],
    ['gpt-35-turbo-16k', 'gpt-35', 'cl100k_base'],
    ['text-embedding-3-small', 'text-embedding-3', 'cl100k_base'],
    ['text-embedding-ada-002', 'text-embedding-ada-002', 'cl100k_base'],
  ])('%s is family %s with %s', (model, family, encoding) => {
    expect(tokenProfileForModel(model)).toMatchObject({ family, encoding });
  });

  it.each([
    'claude-sonnet-4-5',
    'anthropic/claude-3-5-haiku-20241022',
    'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'gemini-2.5-pro',
    'models/gemini-2.0-flash',
    'llama-3.1-70b-instruct',
    'mistral-large-latest',
    'command-r-plus',
    'my-azure-deployment',
    'gpt',
    'gpt-4oo',
    'o',
    'o10',
    '',
    'text-davinci-003',
    'davinci-002',
  ])('%j has no tokenizer profile (falls back to the bound)', (model) => {
    expect(tokenProfileForModel(model)).toBeUndefined();
  });

  it('bills GPT-4o mini images at 33 times GPT-4o', () => {
    expect(tokenProfileForModel('gpt-4o')?.imageTokens).toBe(85 + 8 * 170);
    expect(tokenProfileForModel('gpt-4o-mini')?.imageTokens).toBe(2833 + 8 * 5667);
    expect(tokenProfileForModel('gpt-5')?.imageTokens).toBeUndefined();
  });

  it('agrees with gpt-tokenizer on every model the package knows and the table matches', () => {
    let matched = 0;
    for (const model of Object.keys(packageModels)) {
      const packageEncoding =
        (modelToEncodingMap as Readonly<Record<string, string | undefined>>)[model] ??
        DEFAULT_ENCODING;
      // Harmony's ordinary-text ranks are o200k_base's.
      const expected = packageEncoding === 'o200k_harmony' ? 'o200k_base' : packageEncoding;
      const profile = tokenProfileForModel(model);
      if (profile !== undefined) {
        matched++;
        expect(profile.encoding, model).toBe(expected);
      }
      if (
        /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[134]-|o[134]$|chatgpt-4o|gpt-3\.5|gpt-4-)/.test(model)
      ) {
        expect(profile, model).toBeDefined();
      }
    }
    expect(matched).toBeGreaterThan(100);
  });
});
