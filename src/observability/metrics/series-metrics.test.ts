import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesCounter, SeriesHistogram } from './series-metrics.ts';

const labelNames = ['route', 'outcome'];
const buckets = [0.005, 0.01, 0.025, 0.1, 1];

/** Label values as a request would give them, including ones that need escaping. */
const labelValue = fc.constantFrom('/v1/chat/completions', 'completed', 'failed', 'a"b\\c\nd', '');
const update = fc.record({
  labels: fc.tuple(labelValue, labelValue),
  value: fc.oneof(
    fc.constantFrom(0, 0.005, 0.01, 1, 2, 1e9),
    fc.double({ min: 0, max: 3, noNaN: true }),
  ),
});

/** The same updates through prom-client's metrics and through the series metrics. */
async function bothRegistries(
  updates: readonly { labels: [string, string]; value: number }[],
): Promise<{ reference: Registry; series: Registry }> {
  const reference = new Registry();
  const series = new Registry();
  const counter = new Counter({ name: 'c_total', help: 'h', labelNames, registers: [reference] });
  const histogram = new Histogram({
    name: 'h_seconds',
    help: 'h "quoted" \\ help',
    labelNames,
    buckets,
    registers: [reference],
  });
  const unlabelled = new Counter({ name: 'u_total', help: 'u', registers: [reference] });
  const seriesCounter = new SeriesCounter({
    name: 'c_total',
    help: 'h',
    labelNames,
    registers: [series],
  });
  const seriesHistogram = new SeriesHistogram({
    name: 'h_seconds',
    help: 'h "quoted" \\ help',
    labelNames,
    buckets,
    registers: [series],
  });
  const seriesUnlabelled = new SeriesCounter({ name: 'u_total', help: 'u', registers: [series] });
  for (const { labels, value } of updates) {
    counter.labels(...labels).inc(value);
    histogram.labels(...labels).observe(value);
    unlabelled.inc(value);
    seriesCounter.labels(...labels).inc(value);
    seriesHistogram.labels(...labels).observe(value);
    seriesUnlabelled.inc(value);
  }
  return Promise.resolve({ reference, series });
}

function withoutEmptyExemplars(metrics: readonly object[]): object[] {
  return metrics.map((metric) => {
    const { values, ...rest } = metric as { values: Record<string, unknown>[] };
    return {
      ...rest,
      values: values.map(({ exemplar, ...value }) =>
        exemplar === null || exemplar === undefined ? value : { exemplar, ...value },
      ),
    };
  });
}

describe('series metrics', () => {
  it('export what prom-client exports for the same updates, as text and for aggregation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(update, { maxLength: 40 }), async (updates) => {
        const { reference, series } = await bothRegistries(updates);
        expect(await series.metrics()).toBe(await reference.metrics());
        // Aggregation (cluster.js) reads names, types, labels and values; prom-client adds an
        // empty `exemplar` to histogram values, which nothing reads without exemplars enabled.
        expect(await series.getMetricsAsJSON()).toEqual(
          withoutEmptyExemplars(await reference.getMetricsAsJSON()),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('count an observation in the first bucket whose bound it does not exceed', async () => {
    const registry = new Registry();
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      buckets: [1, 0.1],
      registers: [registry],
    });
    const series = histogram.labels();
    for (const value of [0.1, 0.2, 1, 5]) series.observe(value);
    expect(await registry.metrics()).toContain(
      'h_bucket{le="0.1"} 1\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 4\nh_sum 6.3\nh_count 4',
    );
  });

  it('refuse what prom-client refuses and keep the series unchanged', () => {
    const registry = new Registry();
    const counter = new SeriesCounter({
      name: 'c',
      help: 'c',
      labelNames: ['a'],
      registers: [registry],
    });
    const histogram = new SeriesHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a'],
      buckets: [1],
      registers: [registry],
    });
    expect(() => counter.labels('x').inc(-1)).toThrow('cannot decrease');
    expect(() => counter.labels('x').inc(Number.NaN)).toThrow(TypeError);
    expect(() => histogram.labels('x').observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => counter.labels('x', 'y')).toThrow('expected 1 label values');
    expect(counter.labels('x').value).toBe(0);
    expect(histogram.labels('x').count).toBe(0);
  });

  it('start again from nothing on reset', async () => {
    const registry = new Registry();
    const counter = new SeriesCounter({ name: 'c', help: 'c', registers: [registry] });
    counter.inc(3);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('c 0');
  });
});
