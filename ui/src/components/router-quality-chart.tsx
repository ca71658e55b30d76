import { useMemo } from 'react';
import type {
  MultiModelRouterValidation,
  PairRouterValidation,
  RouterCurve,
  RouterSharePoint,
} from '../api/api-types.ts';
import { formatShare } from '../lib/format.ts';
import { StatCard } from './stat-card.tsx';
import { XyChart, type XySeries } from './xy-chart.tsx';

const colors = {
  router: '#2f6fde',
  baseline: '#8a93a3',
  inForce: '#e0802f',
  singles: '#3c4350',
  oracle: '#2a9d5c',
};

const percent = (value: number): string => `${(value * 100).toFixed(0)}%`;
const quality = (value: number): string => `${(value * 100).toFixed(1)}%`;
/** USD per query, two significant digits: costs run from $0.00003 to dollars. */
const usd = (value: number): string => `$${Number(value.toPrecision(2)).toString()}`;

/** The curve's quality at `share`, linear between its points (they ascend by share). */
function qualityAtShare(points: readonly RouterSharePoint[], share: number): number | undefined {
  for (let i = 1; i < points.length; i += 1) {
    const [low, high] = [points[i - 1], points[i]];
    if (low === undefined || high === undefined || share > high.strong_share) continue;
    const span = high.strong_share - low.strong_share;
    const t = span > 0 ? (share - low.strong_share) / span : 0;
    return low.quality + t * (high.quality - low.quality);
  }
  return points.at(-1)?.quality;
}

function PairQuality({
  validation,
  targetShare,
}: {
  readonly validation: PairRouterValidation;
  readonly targetShare: number | null;
}) {
  const inForce = targetShare === null ? undefined : qualityAtShare(validation.points, targetShare);
  const series = useMemo((): XySeries[] => {
    const line = (points: readonly RouterSharePoint[]) =>
      points.map((point) => ({ x: point.strong_share, y: point.quality }));
    return [
      { label: 'Router', points: line(validation.points), color: colors.router, style: 'line' },
      {
        label: 'Random',
        points: line(validation.random.points),
        color: colors.baseline,
        style: 'dashed',
      },
      ...(inForce === undefined || targetShare === null
        ? []
        : [
            {
              label: 'Share in force',
              points: [{ x: targetShare, y: inForce }],
              color: colors.inForce,
              style: 'points' as const,
            },
          ]),
    ];
  }, [validation, targetShare, inForce]);
  const gap = validation.strong_quality - validation.weak_quality;
  return (
    <>
      <XyChart
        title={`Quality by strong-model share (held out, ${String(validation.folds)}-fold)`}
        series={series}
        formatX={percent}
        formatY={quality}
        xLabel="share of calls to the strong model"
        xName="Strong share"
        yLabel="quality"
        testId="router-quality-curve"
      />
      <div className="stat-grid" data-testid="router-quality-figures">
        <StatCard
          label={`APGR (random ${validation.random.apgr.toFixed(3)})`}
          value={validation.apgr.toFixed(3)}
          testId="router-apgr"
        />
        <StatCard
          label={`CPT(50%) (random ${percent(validation.random.cpt50)})`}
          value={formatShare(validation.cpt50)}
          testId="router-cpt50"
        />
        <StatCard
          label={`CPT(80%) (random ${percent(validation.random.cpt80)})`}
          value={formatShare(validation.cpt80)}
          testId="router-cpt80"
        />
        {inForce === undefined || targetShare === null ? null : (
          <StatCard
            label={`At ${percent(targetShare)} strong${gap === 0 ? '' : ` (PGR ${((inForce - validation.weak_quality) / gap).toFixed(2)})`}`}
            value={quality(inForce)}
          />
        )}
      </div>
      <p className="muted">
        Held-out: each of the {validation.rows.toLocaleString('en')} training prompts scored by a
        model fitted without it. Weak model alone {quality(validation.weak_quality)}, strong model
        alone {quality(validation.strong_quality)}. APGR is the area under the curve of the gap
        recovered (random ≈ 0.5); CPT(x%) the strong-call share needed to recover x% of the gap.
      </p>
    </>
  );
}

/** The λ in force's place on the curve: the swept point whose λ is nearest (by ratio). */
function nearestPoint(validation: MultiModelRouterValidation, tradeoff: number | null) {
  if (tradeoff === null) return undefined;
  const distance = (value: number) => Math.abs(Math.log((value + 1e-4) / (tradeoff + 1e-4)));
  return [...validation.points].sort((a, b) => distance(a.tradeoff) - distance(b.tradeoff))[0];
}

function MultiModelQuality({
  validation,
  tradeoff,
}: {
  readonly validation: MultiModelRouterValidation;
  readonly tradeoff: number | null;
}) {
  const nearest = nearestPoint(validation, tradeoff);
  const series = useMemo((): XySeries[] => {
    const xy = (point: { quality: number; mean_cost: number }) => ({
      x: point.mean_cost,
      y: point.quality,
    });
    return [
      {
        label: 'Router (λ sweep)',
        points: [...validation.points].sort((a, b) => a.mean_cost - b.mean_cost).map(xy),
        color: colors.router,
        style: 'line',
      },
      {
        label: 'Mixing models',
        points: validation.zero_router.map(xy),
        color: colors.baseline,
        style: 'dashed',
      },
      {
        label: 'Single models',
        points: validation.singles.map(xy),
        color: colors.singles,
        style: 'points',
      },
      { label: 'Oracle', points: [xy(validation.oracle)], color: colors.oracle, style: 'points' },
      ...(nearest === undefined
        ? []
        : [
            {
              label: 'λ in force',
              points: [xy(nearest)],
              color: colors.inForce,
              style: 'points' as const,
            },
          ]),
    ];
  }, [validation, nearest]);
  return (
    <>
      <XyChart
        title={`Quality by mean cost per query (held out, ${String(validation.folds)}-fold)`}
        series={series}
        formatX={usd}
        formatY={quality}
        xLabel="mean cost per query (USD)"
        xName="Cost"
        yLabel="quality"
        testId="router-quality-curve"
      />
      <div className="stat-grid" data-testid="router-quality-figures">
        <StatCard
          label="Saving at 95% of best"
          value={formatShare(validation.cost_saving_at_95)}
          testId="router-cost-saving"
        />
        <StatCard
          label="Quality at best's cost"
          value={
            validation.quality_at_best_single_cost === null
              ? '–'
              : quality(validation.quality_at_best_single_cost)
          }
        />
        <StatCard label="Average quality" value={quality(validation.average_quality)} />
        <StatCard
          label={`Oracle (at ${usd(validation.oracle.mean_cost)})`}
          value={quality(validation.oracle.quality)}
        />
      </div>
      <table className="table compact">
        <thead>
          <tr>
            <th>Model alone</th>
            <th className="number">Quality</th>
            <th className="number">Cost per query</th>
          </tr>
        </thead>
        <tbody>
          {validation.singles.map((single) => (
            <tr key={single.model}>
              <td>
                {single.model}
                {single.model === validation.best_single ? (
                  <span className="muted"> (best)</span>
                ) : null}
              </td>
              <td className="number">{quality(single.quality)}</td>
              <td className="number">{usd(single.mean_cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Held-out: each of the {validation.rows.toLocaleString('en')} training prompts scored by a
        model fitted without it, over the trade-off λ (choice: highest quality − λ × relative cost).
        The dashed line mixes single models at random without reading the prompt.
        {nearest === undefined || tradeoff === null
          ? ''
          : ` λ in force ${tradeoff.toPrecision(3)}, marked at the nearest swept λ (${nearest.tradeoff.toPrecision(3)}).`}
      </p>
    </>
  );
}

/**
 * A router's held-out quality curve (GET /admin/routing/routers/:name/curve, `validation`):
 * quality against strong-call share with the random router (strong/weak), or quality against
 * mean cost per query with each single model, the oracle and model mixing (N-model).
 */
export function RouterQualityChart({ curve }: { readonly curve: RouterCurve }) {
  const validation = curve.validation;
  if (validation === null) {
    return (
      <p className="muted" data-testid="router-quality-missing">
        This router&apos;s artifact has no held-out quality curve: it was trained before{' '}
        <code>signalbox route train</code> stored one. Train it again to see quality against cost
        here.
      </p>
    );
  }
  return validation.kind === 'pair' ? (
    <PairQuality validation={validation} targetShare={curve.target_strong_share} />
  ) : (
    <MultiModelQuality validation={validation} tradeoff={curve.tradeoff} />
  );
}
