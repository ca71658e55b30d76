import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelFacts } from '../providers/model-facts.ts';
import { loadConfigFile } from './load-config.ts';

function load(files: Record<string, string>) {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-facts-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(directory, name), text);
  }
  return loadConfigFile(join(directory, 'signalbox.yaml'), { ANTHROPIC_API_KEY: 'k' });
}

const providers = `
providers:
  - id: claude
    type: anthropic
    api_key: \${env:ANTHROPIC_API_KEY}
  - id: claude-eu
    type: anthropic
    api_key: \${env:ANTHROPIC_API_KEY}
    model_facts:
      claude-sonnet-4-5: { price: { input: 2.5 } }
      house-model: { tools: false, vision: false }
`;

describe('model facts in the configuration', () => {
  it('applies the built-in table, then the operator file by type and by id, then the provider', () => {
    const result = load({
      'signalbox.yaml': `model_facts_file: prices.yaml\n${providers}`,
      'prices.yaml': `providers:
  anthropic:
    claude-sonnet-4-5: { price: { output: 12 } }
  claude-eu:
    claude-sonnet-4-5: { max_output_tokens: 8000 }
`,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [claude, eu] = result.config.providers;
    expect(resolveModelFacts(claude?.modelFacts ?? [], 'claude-sonnet-4-5')).toMatchObject({
      maxOutputTokens: 64000,
      tools: true,
      price: { input: 3, output: 12, cacheRead: 0.3, cacheWrite: 3.75 },
    });
    expect(resolveModelFacts(eu?.modelFacts ?? [], 'claude-sonnet-4-5-20250929')).toMatchObject({
      maxOutputTokens: 8000,
      price: { input: 2.5, output: 12 },
    });
    expect(resolveModelFacts(eu?.modelFacts ?? [], 'house-model')).toEqual({
      tools: false,
      vision: false,
    });
  });

  it('reports a missing or invalid facts file with the setting path', () => {
    const missing = load({ 'signalbox.yaml': `model_facts_file: nowhere.json\n${providers}` });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems[0]?.path).toBe('model_facts_file');
    const invalid = load({
      'signalbox.yaml': `model_facts_file: prices.json\n${providers}`,
      'prices.json': '{"providers":{"anthropic":{"claude-sonnet-4-5":{"price":{"input":-1}}}}}',
    });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.problems[0]?.path).toBe(
        'model_facts_file.providers.anthropic.claude-sonnet-4-5.price.input',
      );
    }
    const broken = load({
      'signalbox.yaml': `model_facts_file: prices.json\n${providers}`,
      'prices.json': '{"providers": [',
    });
    expect(broken.ok).toBe(false);
  });

  it("refuses unknown fields in a provider's model_facts", () => {
    const result = load({
      'signalbox.yaml': `${providers}      other: { colour: blue }\n`,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.path).join(' ')).toContain('model_facts');
    }
  });
});
