import { useMemo, useState } from 'react';
import { queryString } from '../api/api-client.ts';
import type { RequestStats, SavingsRow } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LineChart, type ChartSeries } from '../components/line-chart.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { TimeRangeSelect } from '../components/time-range-select.tsx';
import { formatCompact, formatInteger, formatMs, formatShare, formatUsd } from '../lib/format.ts';
import { rangeBounds, timeRanges, type TimeRangeName } from '../lib/time-range.ts';
import { useApiData } from '../lib/use-api-data.ts';

const formatUsdAxis = (value: number): string => `$${value.toPrecision(2)}`;

/** Traffic, latency, errors, tokens and spend over a period, with routing savings. */
export function OverviewPage() {
  const [range, setRange] = useState<TimeRangeName>('24h');
  const paths = useMemo(() => {
    const bounds = rangeBounds(range);
    return {
      stats: `/admin/requests/stats${queryString({ ...bounds, bucket: timeRanges[range].bucket })}`,
      savings: `/admin/routing/savings${queryString({ ...bounds, group_by: 'model' })}`,
    };
  }, [range]);
  const stats = useApiData<RequestStats>(paths.stats);
  const savings = useApiData<{ data: readonly SavingsRow[] }>(paths.savings);
  const charts = useMemo(() => chartData(stats.data), [stats.data]);
  const totals = stats.data?.totals;
  const saved = savings.data?.data.reduce(
    (sum, row) => ({ saved: sum.saved + row.saved_usd, baseline: sum.baseline + row.baseline_usd }),
    { saved: 0, baseline: 0 },
  );

  return (
    <>
      <PageHeader title="Overview" subtitle="Traffic through the gateway">
        <TimeRangeSelect
          value={range}
          onChange={(value) => setRange(value === '' ? '24h' : value)}
          testId="overview-range"
        />
      </PageHeader>
      <ErrorBanner message={stats.error} />
      <div className="stat-grid">
        <StatCard label="Requests" value={formatInteger(totals?.requests)} />
        <StatCard
          label="Errors"
          value={
            totals === undefined
              ? '–'
              : `${formatInteger(totals.errors)} (${formatShare(totals.requests === 0 ? 0 : totals.errors / totals.requests)})`
          }
        />
        <StatCard
          label="p50 / p99"
          value={`${formatMs(totals?.p50_ms)} / ${formatMs(totals?.p99_ms)}`}
        />
        <StatCard
          label="Tokens in / out"
          value={`${formatCompact(totals?.input_tokens)} / ${formatCompact(totals?.output_tokens)}`}
        />
        <StatCard label="Spend" value={formatUsd(totals?.cost_usd)} testId="overview-spend" />
        <StatCard
          label="Saved by routing"
          value={
            saved === undefined
              ? '–'
              : `${formatUsd(saved.saved)} (${formatShare(saved.baseline === 0 ? 0 : saved.saved / saved.baseline)})`
          }
          testId="overview-savings"
        />
      </div>
      <div className="chart-grid">
        <LineChart title="Requests and errors" x={charts.x} series={charts.traffic} />
        <LineChart title="Latency (ms)" x={charts.x} series={charts.latency} />
        <LineChart title="Tokens" x={charts.x} series={charts.tokens} formatY={formatCompact} />
        <LineChart
          title="Spend (USD)"
          x={charts.x}
          series={charts.spend}
          formatY={formatUsdAxis}
          testId="overview-spend-chart"
        />
      </div>
      <section className="card">
        <h2>By model</h2>
        <ErrorBanner message={savings.error} />
        <table className="table">
          <thead>
            <tr>
              <th>Model</th>
              <th className="number">Requests</th>
              <th className="number">Spend</th>
              <th className="number">Baseline</th>
              <th className="number">Saved</th>
            </tr>
          </thead>
          <tbody>
            {modelRows(stats.data, savings.data?.data).map((row) => {
              const saving = savings.data?.data.find((entry) => entry.model === row.model);
              return (
                <tr key={row.model} data-testid="overview-model-row">
                  <td>
                    {row.model === '' ? <span className="muted">(no model)</span> : row.model}
                  </td>
                  <td className="number">{formatInteger(row.requests)}</td>
                  <td className="number">{formatUsd(row.cost_usd)}</td>
                  <td className="number">{formatUsd(saving?.baseline_usd)}</td>
                  <td className="number">
                    {saving === undefined
                      ? '–'
                      : `${formatUsd(saving.saved_usd)} (${formatShare(saving.saved_share)})`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** Models from the request stats, plus any that only the savings report names. */
function modelRows(
  stats: RequestStats | undefined,
  savings: readonly SavingsRow[] | undefined,
): { model: string; requests: number; cost_usd: number }[] {
  // Requests without a model (admin calls) come back with a null or empty model.
  const rows = (stats?.by_model ?? []).map((row) => ({ ...row, model: row.model ?? '' }));
  for (const saving of savings ?? []) {
    if (saving.model !== undefined && !rows.some((row) => row.model === saving.model)) {
      rows.push({ model: saving.model, requests: saving.requests, cost_usd: saving.cost_usd });
    }
  }
  return rows;
}

function chartData(stats: RequestStats | undefined): {
  x: number[];
  traffic: ChartSeries[];
  latency: ChartSeries[];
  tokens: ChartSeries[];
  spend: ChartSeries[];
} {
  const series = stats?.series ?? [];
  const pick = (field: keyof Omit<RequestStats['series'][number], 'at'>) =>
    series.map((point) => point[field]);
  return {
    x: series.map((point) => Date.parse(point.at) / 1000),
    traffic: [
      { label: 'Requests', values: pick('requests'), color: '#2f6fde' },
      { label: 'Errors', values: pick('errors'), color: '#d64545' },
    ],
    latency: [
      { label: 'p50', values: pick('p50_ms'), color: '#2f9e6b' },
      { label: 'p99', values: pick('p99_ms'), color: '#c9791b' },
    ],
    tokens: [
      { label: 'Input', values: pick('input_tokens'), color: '#7a5af5' },
      { label: 'Output', values: pick('output_tokens'), color: '#1ba3b8' },
    ],
    spend: [{ label: 'Spend', values: pick('cost_usd'), color: '#2f6fde' }],
  };
}
