import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveConfigFile } from '../../src/config/load-config.ts';

const markdown = readFileSync(new URL('../../docs/request-log.md', import.meta.url), 'utf8');

const yamlBlocks = (text: string): string[] =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('docs/request-log.md', () => {
  it('shows a configuration that loads with the request log settings it describes', () => {
    const blocks = yamlBlocks(markdown);
    expect(blocks).toHaveLength(1);
    const parsed = parseConfigText(blocks[0]!);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const loaded = resolveConfigFile(parsed.file, {
      source: { kind: 'file', path: 'docs' },
      baseDirectory: process.cwd(),
      environment: {},
      overrides: {},
      includeEnvironmentProviders: false,
    });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.config.requestLog).toEqual({ enabled: true, retentionMs: 30 * 86_400_000 });
    }
  });

  it('names the three routes', () => {
    for (const route of [
      'GET /admin/requests`',
      'GET /admin/requests/{id}',
      'GET /admin/requests/stats',
    ]) {
      expect(markdown).toContain(route);
    }
  });
});
