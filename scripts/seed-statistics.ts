// Mean and spread of a figure over seeds, for the routing experiment scripts.

export interface MeanAndSd {
  readonly mean: number;
  readonly sd: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The mean and the sample standard deviation (0 for a single value). */
export function meanAndSd(values: readonly number[]): MeanAndSd {
  const m = mean(values);
  return {
    mean: m,
    sd:
      values.length > 1
        ? Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1))
        : 0,
  };
}

/** `mean ± sd` to `digits` decimals. */
export function formatMeanAndSd(value: MeanAndSd, digits: number): string {
  return `${value.mean.toFixed(digits)} ± ${value.sd.toFixed(digits)}`;
}
