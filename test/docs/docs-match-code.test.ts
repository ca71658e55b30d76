import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/errors/error-codes.ts';
import { gatewayRoutes } from '../../src/http/create-http-server.ts';
import { providerTypes } from '../../src/providers/provider-types.ts';
import { withCurrentModelTable } from '../../scripts/model-table.ts';

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Whether a Markdown table has a row whose first cells are these texts, whatever the padding. */
function hasRow(markdown: string, ...cells: string[]): boolean {
  return markdown.split('\n').some((line) => {
    const found = line
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    return cells.every((cell, index) => found[index] === cell);
  });
}

describe('the documentation covers what the code has', () => {
  it('lists every error code with its status in docs/api.md', () => {
    const api = read('docs/api.md');
    for (const [code, definition] of Object.entries(errorCatalogue)) {
      expect(hasRow(api, `\`${code}\``, String(definition.status)), code).toBe(true);
    }
  });

  it('lists every route in docs/api.md', () => {
    const api = read('docs/api.md');
    for (const route of gatewayRoutes) {
      expect(api, route.path).toContain(
        `${route.method} ${route.path.replace(/:([a-z]+)/g, '{$1}')}`,
      );
    }
  });

  it('lists every provider type with its base URL in docs/providers.md', () => {
    const providers = read('docs/providers.md');
    for (const type of providerTypes) {
      expect(hasRow(providers, `\`${type.type}\``), type.type).toBe(true);
      if (type.defaultBaseUrl !== undefined) {
        expect(providers, type.type).toContain(type.defaultBaseUrl);
      }
    }
  });

  it('gives every provider type a configuration in the README', () => {
    const readme = read('README.md');
    for (const type of providerTypes) {
      expect(readme, type.type).toMatch(new RegExp(`type: ${type.type}\\b|\`${type.type}\``));
    }
  });

  it('shows the current capability and price table in docs/providers.md (npm run docs:models)', () => {
    const providers = read('docs/providers.md');
    expect(providers).toBe(withCurrentModelTable(providers));
  });

  it('keeps the quick start to two set-up commands each for running and testing', () => {
    const readme = read('README.md');
    expect(readme).toContain('```sh\nnpm install\nnpm start\n```');
    expect(readme).toContain('```sh\nnpm install\nnpm test\n```');
  });
});
