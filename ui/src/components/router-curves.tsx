import type { RouterCurve } from '../api/api-types.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { ErrorBanner } from './error-banner.tsx';
import { RouterCurveChart } from './router-curve-chart.tsx';
import { RouterQualityChart } from './router-quality-chart.tsx';

/**
 * One router's curves from one GET /admin/routing/routers/:name/curve: its held-out quality
 * against cost, then (strong/weak routers) its calibration, strong share by threshold.
 */
export function RouterCurves({ name }: { readonly name: string }) {
  const curve = useApiData<RouterCurve>(`/admin/routing/routers/${encodeURIComponent(name)}/curve`);
  if (curve.error !== undefined) return <ErrorBanner message={curve.error} />;
  const data = curve.data;
  if (data === undefined) return <p className="muted">Loading curves…</p>;
  return (
    <>
      <RouterQualityChart curve={data} />
      {data.calibration === null ? null : (
        <RouterCurveChart curve={data} calibration={data.calibration} />
      )}
    </>
  );
}
