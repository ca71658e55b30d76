import { useMemo } from 'react';
import type { RouterCalibrationPoint, RouterCurve } from '../api/api-types.ts';
import { formatScore, formatShare } from '../lib/format.ts';
import { LineChart } from './line-chart.tsx';

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/**
 * A strong/weak router's calibration: the share of calibration prompts sent to the strong model
 * at each threshold (the `calibration` of GET /admin/routing/routers/:name/curve).
 */
export function RouterCurveChart({
  curve,
  calibration,
}: {
  readonly curve: RouterCurve;
  readonly calibration: readonly RouterCalibrationPoint[];
}) {
  const chart = useMemo(() => {
    const points = [...calibration].sort((a, b) => a.threshold - b.threshold);
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
  }, [calibration]);
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
      <p className="muted">
        Threshold in force {formatScore(curve.threshold)}
        {curve.target_strong_share === null
          ? ''
          : `, calibrated for ${formatShare(curve.target_strong_share)} strong`}
        ; from {curve.sample_count ?? 0} calibration prompts.
      </p>
    </>
  );
}
