import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveConfigFile } from '../../src/config/load-config.ts';
import { mockChatModels } from '../../src/mock-provider/mock-chat-reply.ts';
import { strategyNames } from '../../src/routing/routing-strategy.ts';

const markdown = readFileSync(new URL('../../docs/routing.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const yamlBlocks = (text: string): string[] =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
const examples = [
  ...yamlBlocks(markdown),
  // The README's routing example.
  ...yamlBlocks(readme).filter((text) => text.includes('strategy:')),
];

function problemsOf(text: string): string[] {
  const parsed = parseConfigText(text);
  const loaded = parsed.ok
    ? resolveConfigFile(parsed.file, {
        source: { kind: 'file', path: 'docs/routing.md' },
        baseDirectory: process.cwd(),
        environment: {},
        overrides: {},
        includeEnvironmentProviders: false,
      })
    : parsed;
  return loaded.ok ? [] : loaded.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('docs/routing.md', () => {
  it('has runnable configuration examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((text, index) => [index + 1, text] as const))(
    'example %i is a valid configuration',
    (_index, text) => {
      expect(problemsOf(text)).toEqual([]);
    },
  );

  it.each(examples.map((text, index) => [index + 1, text] as const))(
    'example %i asks the built-in mock only for models it serves, so it runs as written',
    (_index, text) => {
      const parsed = parseConfigText(text);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const mocks = new Set(
        (parsed.file.providers ?? [])
          .filter((provider) => provider.type === 'mock')
          .map((provider) => provider.id),
      );
      const asked = (parsed.file.models ?? []).flatMap((group) =>
        group.targets.flatMap((target) =>
          'provider' in target && mocks.has(target.provider) ? [target.model] : [],
        ),
      );
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((model) => !mockChatModels.has(model))).toEqual([]);
    },
  );

  it.each(strategyNames.map((name) => [name]))('shows strategy %s in an example', (name) => {
    expect(examples.some((text) => text.includes(`strategy: ${name}`) || name === 'priority')).toBe(
      true,
    );
    expect(markdown).toContain(`\`${name}\``);
  });
});
