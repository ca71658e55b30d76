import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load-config.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalog } from './model-catalog.ts';

function catalogFor(yaml: string): ModelCatalog {
  const path = join(mkdtempSync(join(tmpdir(), 'signalbox-catalog-')), 'config.yaml');
  writeFileSync(path, yaml);
  const result = loadConfigFile(path, { OPENAI_API_KEY: 'k' });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  return new ModelCatalog(result.config);
}

const yaml = `
providers:
  - { id: openai, type: openai, api_key: "\${env:OPENAI_API_KEY}", models: [gpt-4o-mini] }
  - { id: local, type: vllm, allow_any_model: true }
models:
  - alias: fast
    targets: [{ provider: openai, model: gpt-4o-mini }, { provider: local, model: llama }]
`;

describe('ModelCatalog', () => {
  const catalog = catalogFor(yaml);

  it('resolves an alias to its ordered targets', () => {
    expect(catalog.resolve('fast')).toEqual({
      name: 'fast',
      targets: [
        { providerId: 'openai', upstreamModel: 'gpt-4o-mini' },
        { providerId: 'local', upstreamModel: 'llama' },
      ],
    });
  });

  it('resolves listed provider models and any model of an open provider', () => {
    expect(catalog.resolve('openai/gpt-4o-mini')?.targets).toEqual([
      { providerId: 'openai', upstreamModel: 'gpt-4o-mini' },
    ]);
    expect(catalog.resolve('local/qwen/qwen3-8b')?.targets).toEqual([
      { providerId: 'local', upstreamModel: 'qwen/qwen3-8b' },
    ]);
  });

  it('does not resolve unlisted models of a closed provider or unknown names', () => {
    expect(catalog.resolve('openai/gpt-5-secret')).toBeUndefined();
    expect(catalog.resolve('nope')).toBeUndefined();
    expect(catalog.resolve('local/')).toBeUndefined();
  });

  it('lists aliases, then provider models', () => {
    expect(catalog.list()).toEqual([
      { id: 'fast', ownedBy: 'signalbox' },
      { id: 'openai/gpt-4o-mini', ownedBy: 'openai' },
    ]);
  });

  it('tells whether a key pattern matches anything', () => {
    expect(catalog.matchesAnything('openai/*')).toBe(true);
    expect(catalog.matchesAnything('local/*')).toBe(true);
    expect(catalog.matchesAnything('groq/*')).toBe(false);
    expect(catalog.matchesAnything('fast')).toBe(true);
    expect(catalog.matchesAnything('slow')).toBe(false);
  });
});
