import { useMemo } from 'react';
import type { RouterCurve } from '../api/api-types.ts';
import { formatScore, formatShare } from '../lib/format.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { ErrorBanner } from './error-banner.tsx';
import { LineChart } from './line-chart.tsx';

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/**
 * A strong/weak router's calibration: the share of calibration prompts sent to the strong model
 * at each threshold (GET /admin/routing/routers/:name/curve).
 */
export function RouterCurveChart({ name }: { readonly name: string }) {
  const curve = useApiData<RouterCurve>(`/admin/routing/routers/${encodeURIComponent(name)}/curve`);
  const chart = useMemo(() => {
    const points = [...(curve.data?.points ?? [])].sort((a, b) => a.threshold - b.threshold);
    return {
      x: points.map((point) => point.threshold),
      series: [
        {
          label: 'Strong share',
          values: points.map((point) => point.strong_share),
          color: '#2f6fde',
        },
      ],
    };
  }, [curve.data]);
  if (curve.error !== undefined) {
    return <ErrorBanner message={curve.error} />;
  }
  return (
    <>
      <LineChart
        title="Strong-model share by threshold (calibration)"
        x={chart.x}
        series={chart.series}
        time={false}
        xLabel="threshold (score ≥ threshold → strong)"
        formatY={percent}
        testId="router-curve"
      />
      {curve.data === undefined ? null : (
        <p className="muted">
          Threshold in force {formatScore(curve.data.threshold)}
          {curve.data.target_strong_share === null
            ? ''
            : `, calibrated for ${formatShare(curve.data.target_strong_share)} strong`}
          ; from {curve.data.sample_count} calibration prompts.
        </p>
      )}
    </>
  );
}
