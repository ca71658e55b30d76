import { describe, expect, it } from 'vitest';
import { diffConfigFiles } from './config-diff.ts';
import type { ConfigFile } from './config-schema.ts';

describe('diffConfigFiles', () => {
  it('lists additions, removals and changes by readable paths', () => {
    const before: ConfigFile = {
      providers: [
        { id: 'openai', type: 'openai', api_key: '${env:OPENAI_API_KEY}' },
        { id: 'old', type: 'ollama' },
      ],
      models: [{ alias: 'fast', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] }],
    };
    const after: ConfigFile = {
      providers: [
        { id: 'openai', type: 'openai', api_key: '${env:OPENAI_API_KEY}' },
        { id: 'groq', type: 'groq', api_key: '${env:GROQ_API_KEY}' },
      ],
      models: [
        {
          alias: 'fast',
          targets: [
            { provider: 'openai', model: 'gpt-4.1-mini' },
            { provider: 'groq', model: 'llama-3.1-8b-instant' },
          ],
        },
      ],
      log: { level: 'debug' },
    };
    expect(diffConfigFiles(before, after)).toEqual([
      '- providers.old',
      '+ providers.groq',
      '~ models.fast.targets[0].model: "gpt-4o-mini" -> "gpt-4.1-mini"',
      '+ models.fast.targets[1]',
      '+ log',
    ]);
  });

  it('is empty for equal files', () => {
    const file: ConfigFile = { providers: [{ id: 'mock', type: 'mock' }] };
    expect(diffConfigFiles(file, structuredClone(file))).toEqual([]);
  });
});
