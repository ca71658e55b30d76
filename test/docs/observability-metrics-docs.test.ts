import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveConfigFile } from '../../src/config/load-config.ts';
import { GatewayMetrics } from '../../src/observability/metrics/gateway-metrics.ts';

const markdown = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');
const start = markdown.indexOf('## Metrics');
const end = markdown.indexOf('\n## ', start + 1);
/** The Metrics section only: the other sections of the file document other features. */
const metricsSection = markdown.slice(start, end === -1 ? undefined : end);

function problemsOf(text: string): string[] {
  const parsed = parseConfigText(text);
  const loaded = parsed.ok
    ? resolveConfigFile(parsed.file, {
        source: { kind: 'file', path: 'docs/observability.md' },
        baseDirectory: process.cwd(),
        environment: {},
        overrides: {},
        includeEnvironmentProviders: false,
      })
    : parsed;
  return loaded.ok ? [] : loaded.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('docs/observability.md, Metrics', () => {
  it('documents every metric the gateway exports, with its type', () => {
    const metrics = new GatewayMetrics({
      clock: { now: () => 0, monotonic: () => 0 },
      errorCodes: [],
      knownNames: () => ({ models: new Set(), providers: new Map() }),
      routeOf: () => undefined,
      circuits: () => [],
      budgetLines: () => Promise.resolve([]),
      processMetrics: false,
    });
    const exported = metrics.registry.getMetricsAsArray();
    expect(exported.length).toBeGreaterThanOrEqual(15);
    for (const metric of exported) {
      const { name, type } = metric as unknown as { name: string; type: string };
      expect(metricsSection, name).toMatch(new RegExp(`\\| \`${name}\`\\s+\\| ${type}\\s+\\|`));
    }
  });

  it('has a Signalbox configuration example that is valid', () => {
    const examples = [...metricsSection.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (match) => match[1] ?? '',
    );
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const example of examples) expect(problemsOf(example)).toEqual([]);
  });
});
