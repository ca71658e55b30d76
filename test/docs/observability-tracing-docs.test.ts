import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveConfigFile } from '../../src/config/load-config.ts';
import * as attributeNames from '../../src/observability/tracing/gen-ai-attributes.ts';

const markdown = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');
const configuration = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** One `## ` section of a document, up to the next. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section ${title}`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

const yamlBlocks = (text: string): string[] =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

function problemsOf(text: string): string[] {
  const parsed = parseConfigText(text);
  const loaded = parsed.ok
    ? resolveConfigFile(parsed.file, {
        source: { kind: 'file', path: 'docs' },
        baseDirectory: process.cwd(),
        environment: { OTEL_EXPORTER_TOKEN: 'Bearer example' },
        overrides: {},
        includeEnvironmentProviders: false,
      })
    : parsed;
  return loaded.ok ? [] : loaded.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('docs/observability.md, Tracing', () => {
  const tracing = section(markdown, 'Tracing');

  it('shows configurations that load, in both documents', () => {
    const blocks = [...yamlBlocks(tracing), ...yamlBlocks(section(configuration, 'Tracing'))];
    expect(blocks).toHaveLength(2);
    for (const block of blocks) {
      expect(block).toContain('tracing:');
      expect(problemsOf(block)).toEqual([]);
    }
  });

  it('lists every span attribute the gateway writes', () => {
    const written = Object.entries(attributeNames)
      .filter(([name]) => name.startsWith('ATTR_') && !name.startsWith('ATTR_SERVICE_'))
      .map(([, value]) => value as string);
    expect(written.length).toBeGreaterThan(20);
    for (const name of written) {
      expect(tracing, name).toContain(`\`${name}\``);
    }
  });
});
