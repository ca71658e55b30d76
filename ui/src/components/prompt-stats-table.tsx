import { useMemo, useState } from 'react';
import { queryString } from '../api/api-client.ts';
import type { PromptLabelView, PromptStats } from '../api/api-types.ts';
import { formatCompact, formatInteger, formatMs, formatShare, formatUsd } from '../lib/format.ts';
import { labelsOf } from '../lib/prompt-labels.ts';
import { rangeBounds, type TimeRangeName } from '../lib/time-range.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { ErrorBanner } from './error-banner.tsx';
import { TimeRangeSelect } from './time-range-select.tsx';

/**
 * Traffic per version of a prompt over a period (GET /admin/prompts/:id/stats), one row each,
 * with the labels that point at it, so the versions of a canary split compare side by side.
 */
export function PromptStatsTable({
  promptId,
  labels,
}: {
  readonly promptId: string;
  readonly labels: readonly PromptLabelView[];
}) {
  const [range, setRange] = useState<TimeRangeName>('24h');
  const path = useMemo(
    () =>
      `/admin/prompts/${encodeURIComponent(promptId)}/stats${queryString({
        from: rangeBounds(range).from,
      })}`,
    [promptId, range],
  );
  const stats = useApiData<PromptStats>(path);
  const rows = stats.data?.versions ?? [];

  return (
    <section className="card" data-testid="prompt-stats">
      <div className="card-header">
        <h2>Traffic by version</h2>
        <TimeRangeSelect
          value={range}
          onChange={(value) => setRange(value === '' ? '24h' : value)}
          testId="prompt-stats-range"
        />
      </div>
      <ErrorBanner message={stats.error} />
      <table className="table compact">
        <thead>
          <tr>
            <th>Version</th>
            <th>Labels</th>
            <th className="number">Requests</th>
            <th className="number">Error rate</th>
            <th className="number">Mean duration</th>
            <th className="number">Mean cost</th>
            <th className="number">Tokens in / out</th>
            <th className="number">Spend</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.version} data-testid="prompt-stats-row" data-version={row.version}>
              <td className="mono">v{row.version}</td>
              <td>{labelsOf(labels, row.version).join(', ')}</td>
              <td className="number">{formatInteger(row.requests)}</td>
              <td className="number">
                {formatShare(row.error_rate)}{' '}
                <span className="muted small">({formatInteger(row.errors)})</span>
              </td>
              <td className="number">{formatMs(row.mean_duration_ms)}</td>
              <td className="number">{formatUsd(row.mean_cost_usd)}</td>
              <td className="number">
                {formatCompact(row.input_tokens)} / {formatCompact(row.output_tokens)}
              </td>
              <td className="number">{formatUsd(row.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !stats.loading && stats.error === undefined ? (
        <p className="muted">No requests used this prompt in the period.</p>
      ) : null}
    </section>
  );
}
