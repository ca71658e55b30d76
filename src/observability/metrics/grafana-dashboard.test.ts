import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../lib/json.ts';
import { GatewayMetrics } from './gateway-metrics.ts';

const dashboardPath = new URL('../../../deploy/grafana/signalbox-dashboard.json', import.meta.url);
const promtool = '/usr/bin/promtool';

interface Dashboard {
  readonly schemaVersion: number;
  readonly uid: string;
  readonly __inputs: readonly { readonly name: string; readonly type: string }[];
  readonly panels: readonly {
    readonly type: string;
    readonly title: string;
    readonly datasource?: { readonly uid: string };
    readonly targets?: readonly { readonly expr: string }[];
  }[];
}

function loadDashboard(): Dashboard {
  const parsed = safeParseJson(readFileSync(dashboardPath, 'utf8'));
  if (!parsed.ok) throw new Error('the dashboard is not valid JSON');
  return parsed.value as Dashboard;
}

/** Every series name the registry exposes, with its label names (histograms' three series). */
function exposedSeries(): Map<string, readonly string[]> {
  const metrics = new GatewayMetrics({
    clock: { now: () => 0, monotonic: () => 0 },
    errorCodes: [],
    knownNames: () => ({ models: new Set(), providers: new Map() }),
    routeOf: () => undefined,
    circuits: () => [],
    budgetLines: () => Promise.resolve([]),
  });
  const series = new Map<string, readonly string[]>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const {
      name,
      type,
      labelNames: labels,
    } = metric as unknown as {
      name: string;
      type: string;
      labelNames: readonly string[];
    };
    if (type === 'histogram') {
      series.set(`${name}_bucket`, [...labels, 'le']);
      series.set(`${name}_sum`, labels);
      series.set(`${name}_count`, labels);
    } else {
      series.set(name, labels);
    }
  }
  return series;
}

/** The metric selectors of a PromQL expression: names, with the label names they match on. */
function selectors(expr: string): { name: string; labels: string[] }[] {
  // Drop grouping clauses and function names first: what remains that looks like an identifier
  // followed by `{`, `[` or a space/paren is a metric name.
  const withoutGrouping = expr.replace(/\b(by|without)\s*\([^)]*\)/g, '');
  const found: { name: string; labels: string[] }[] = [];
  const pattern = /\b([a-zA-Z_:][\w:]*)\s*(\{([^}]*)\})?/g;
  for (const match of withoutGrouping.matchAll(pattern)) {
    const name = match[1] ?? '';
    const next = withoutGrouping[match.index + match[0].length];
    if (next === '(' || /^(sum|max|min|avg|rate|scalar|histogram_quantile|le)$/.test(name))
      continue;
    if (!/^(signalbox_|gen_ai_|process_|nodejs_)/.test(name)) continue;
    const labels = [...(match[3] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/g)].map(
      (label) => label[1] ?? '',
    );
    found.push({ name, labels });
  }
  return found;
}

describe('deploy/grafana/signalbox-dashboard.json', () => {
  const dashboard = loadDashboard();
  const expressions = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );

  it('is an importable dashboard with a Prometheus datasource input', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('signalbox-gateway');
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource' }),
    );
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
    }
    expect(expressions.length).toBeGreaterThanOrEqual(13);
  });

  it('queries only metrics and labels the gateway exposes', () => {
    const series = exposedSeries();
    for (const { panel, expr } of expressions) {
      const used = selectors(expr);
      expect(used.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const selector of used) {
        const labels = series.get(selector.name);
        expect(labels, `${panel}: unknown metric ${selector.name}`).toBeDefined();
        for (const label of selector.labels) {
          expect(labels, `${panel}: ${selector.name} has no label ${label}`).toContain(label);
        }
      }
      for (const grouping of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
        const names = (grouping[1] ?? '').split(',').map((name) => name.trim());
        for (const name of names.filter((label) => label !== 'le')) {
          const known = used.some((selector) => series.get(selector.name)?.includes(name));
          expect(known, `${panel}: no metric in "${expr}" has label ${name}`).toBe(true);
        }
      }
    }
  });

  it('has PromQL that promtool parses', (context) => {
    if (!existsSync(promtool)) {
      if (process.env.SIGNALBOX_REQUIRE_TOOLS === '1') throw new Error(`${promtool} is required`);
      context.skip(`${promtool} is not installed; set SIGNALBOX_REQUIRE_TOOLS=1 to require it`);
    }
    // Each expression as a recording rule; Grafana's interval variable becomes a fixed range.
    const rules = expressions
      .map(
        ({ expr }, index) =>
          `      - record: signalbox:dashboard_${index}\n        expr: ${JSON.stringify(expr.replaceAll('$__rate_interval', '5m'))}`,
      )
      .join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'signalbox-dashboard-')), 'rules.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });
});
