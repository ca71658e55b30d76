import type { Registry } from 'prom-client';

// Counters and histograms for the metrics every request updates, kept in plain numbers and
// arrays and read by prom-client's `Registry` like its own metrics (it calls `get()` on each
// scrape, for the exposition text and for `--workers` aggregation alike). prom-client's own
// `Counter` and `Histogram` check and hash the label values on every `inc` and `observe`, even
// through `labels()`, 7–9 µs per finished request in all; here each metric keeps its series by
// label values (made once, then found in a map) and an update is a bucket search and a few
// additions. Label values must already be bounded (see `LabelBounds`), so the map stays as small
// as the metric's series. `get()` returns what prom-client's metrics of the same name and labels
// would, value for value (series-metrics.test.ts compares the two).

/** Name, help and label names as prom-client's metrics take them; registered in `registers`. */
interface SeriesMetricOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  readonly registers: readonly Registry[];
}

type Labels = Record<string, string | number>;

/** One exported value, as prom-client's own metrics give it from `get()`. */
interface ExportedValue {
  readonly labels: Labels;
  readonly value: number;
  /** `<name>_bucket`, `_sum` or `_count` for a histogram's values. */
  readonly metricName?: string;
}

/** What `get()` gives the registry: the shape of prom-client's `MetricObjectWithValues`. */
interface ExportedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: ExportedValue[];
  readonly aggregator: 'sum';
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  if (values.length !== names.length) {
    throw new Error(
      `expected ${String(names.length)} label values (${names.join(', ')}), got ${String(values.length)}`,
    );
  }
  const labels: Labels = {};
  names.forEach((name, index) => {
    labels[name] = values[index] ?? '';
  });
  return labels;
}

/**
 * What both kinds share: the name, help and label names prom-client's registry reads, and the
 * series by label values, each made once by `create`.
 */
abstract class SeriesMetric<Series> {
  name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: ExportedMetric['type'];
  readonly aggregator = 'sum';
  protected series = new Map<string, Series>();

  constructor(options: SeriesMetricOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
  }

  /** Registers this metric; the subclass calls it once its own fields are set. */
  protected register(registers: readonly Registry[]): void {
    for (const registry of registers) registry.registerMetric(this as never);
  }

  protected abstract create(labels: Labels): Series;

  /** The series of these label values (in `labelNames` order), created empty when new. */
  labels(...values: string[]): Series {
    const key = values.length === 1 ? (values[0] ?? '') : values.join('\u0000');
    let series = this.series.get(key);
    if (series === undefined) {
      series = this.create(labelsOf(this.labelNames, values));
      this.series.set(key, series);
    }
    return series;
  }

  protected abstract exportedValues(): ExportedValue[];

  get(): Promise<ExportedMetric> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.exportedValues(),
      aggregator: this.aggregator,
    });
  }

  reset(): void {
    this.series = new Map();
  }
}

/** One label set of a `SeriesCounter`. */
export class CounterSeries {
  readonly labels: Labels;
  value = 0;

  constructor(labels: Labels) {
    this.labels = labels;
  }

  /** Adds `amount` (default 1); refuses a negative or non-finite amount, as prom-client does. */
  inc(amount = 1): void {
    if (!Number.isFinite(amount)) throw new TypeError(`not a valid number: ${String(amount)}`);
    if (amount < 0) throw new Error('a counter cannot decrease');
    this.value += amount;
  }
}

/** A counter with labels, exported as prom-client's `Counter` of the same options would be. */
export class SeriesCounter extends SeriesMetric<CounterSeries> {
  readonly type = 'counter';

  constructor(options: SeriesMetricOptions) {
    super(options);
    // An unlabelled counter is exported at zero from the start, as prom-client does.
    if (this.labelNames.length === 0) this.labels();
    this.register(options.registers);
  }

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  /** Adds `amount` to the unlabelled series. */
  inc(amount = 1): void {
    this.labels().inc(amount);
  }

  protected exportedValues(): ExportedValue[] {
    return [...this.series.values()].map((series) => ({
      value: series.value,
      labels: { ...series.labels },
    }));
  }

  override reset(): void {
    super.reset();
    if (this.labelNames.length === 0) this.labels();
  }
}

/** One label set of a `SeriesHistogram`: observations per bucket (not cumulative), sum, count. */
export class HistogramSeries {
  readonly labels: Labels;
  readonly #bounds: readonly number[];
  /** `counts[i]`: observations in (bounds[i-1], bounds[i]]; above the last bound only `count`. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`not a valid number: ${String(value)}`);
    const bounds = this.#bounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= (bounds[index] ?? 0)) {
        this.counts[index] = (this.counts[index] ?? 0) + 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram with labels, exported as prom-client's `Histogram` of the same options would be. */
export class SeriesHistogram extends SeriesMetric<HistogramSeries> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];

  constructor(options: SeriesMetricOptions & { readonly buckets: readonly number[] }) {
    super(options);
    this.#bounds = [...options.buckets].sort((first, second) => first - second);
    this.register(options.registers);
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.#bounds);
  }

  protected exportedValues(): ExportedValue[] {
    const bucket = `${this.name}_bucket`;
    const values: ExportedValue[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, index) => {
        cumulative += series.counts[index] ?? 0;
        values.push({
          labels: { le: bound, ...series.labels },
          value: cumulative,
          metricName: bucket,
        });
      });
      values.push(
        { labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: bucket },
        { labels: { ...series.labels }, value: series.sum, metricName: `${this.name}_sum` },
        { labels: { ...series.labels }, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return values;
  }
}
