import type { RequestRow } from '../api/api-types.ts';
import { formatInteger, formatMs, formatTime, formatUsd } from '../lib/format.ts';
import { routeHref } from '../lib/use-hash-route.ts';
import { StatusPill } from './status-pill.tsx';

/** Rows of the request log; each links to its detail. */
export function RequestTable({
  rows,
  loading,
}: {
  readonly rows: readonly RequestRow[];
  readonly loading: boolean;
}) {
  return (
    <div className="card table-card">
      <table className="table" data-testid="request-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Route</th>
            <th>Model</th>
            <th>Deployment</th>
            <th>Key</th>
            <th>Status</th>
            <th className="number">Tokens in/out</th>
            <th className="number">Cost</th>
            <th className="number">Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.request_id} data-testid="request-row" data-request-id={row.request_id}>
              <td className="nowrap">
                <a href={routeHref('requests', row.request_id)} data-testid="request-link">
                  {formatTime(row.at)}
                </a>
              </td>
              <td className="mono nowrap">
                {row.method} {row.route}
              </td>
              <td>{row.requested_model ?? '–'}</td>
              <td>{row.deployment ?? '–'}</td>
              <td className="mono">{row.key_id ?? '–'}</td>
              <td>
                <StatusPill tone={row.status < 400 ? 'good' : row.status < 500 ? 'warn' : 'bad'}>
                  {`${row.status} ${row.outcome}`}
                </StatusPill>
              </td>
              <td className="number">
                {formatInteger(row.input_tokens)} / {formatInteger(row.output_tokens)}
              </td>
              <td className="number">{formatUsd(row.cost_usd)}</td>
              <td className="number">{formatMs(row.duration_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !loading ? <p className="empty">No requests match.</p> : null}
      {loading ? <p className="empty">Loading…</p> : null}
    </div>
  );
}
