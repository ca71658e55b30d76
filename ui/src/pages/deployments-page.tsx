import type { DeploymentView, ListOf } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { formatInteger, formatMs, formatShare, formatTime } from '../lib/format.ts';
import { useApiData } from '../lib/use-api-data.ts';

const circuitTone: Readonly<Record<string, 'good' | 'warn' | 'bad'>> = {
  closed: 'good',
  'half-open': 'warn',
  open: 'bad',
};

/** Every deployment with its circuit breaker, latency, load and error rate. */
export function DeploymentsPage() {
  const deployments = useApiData<ListOf<DeploymentView>>('/admin/deployments');
  return (
    <>
      <PageHeader title="Deployments" subtitle="Health and circuit-breaker state per deployment">
        <button type="button" className="button secondary" onClick={deployments.reload}>
          Refresh
        </button>
      </PageHeader>
      <ErrorBanner message={deployments.error} />
      <div className="card table-card">
        <table className="table" data-testid="deployment-table">
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Provider / model</th>
              <th>Groups</th>
              <th>Circuit</th>
              <th className="number">Latency (EWMA)</th>
              <th className="number">In flight</th>
              <th className="number">Req/min</th>
              <th className="number">Error rate</th>
              <th className="number">Failures in a row</th>
            </tr>
          </thead>
          <tbody>
            {(deployments.data?.data ?? []).map((deployment) => (
              <tr key={deployment.deployment} data-testid="deployment-row">
                <td>{deployment.deployment}</td>
                <td>
                  {deployment.provider} <span className="muted">/ {deployment.upstream_model}</span>
                </td>
                <td>{deployment.groups.join(', ')}</td>
                <td>
                  <StatusPill tone={circuitTone[deployment.circuit] ?? 'neutral'}>
                    {deployment.circuit}
                  </StatusPill>
                  {deployment.circuit_until === null ? null : (
                    <span className="muted small">
                      {' '}
                      until {formatTime(deployment.circuit_until)}
                    </span>
                  )}
                  {deployment.cooling_down_until === null ? null : (
                    <span className="muted small"> cooling down</span>
                  )}
                </td>
                <td className="number">{formatMs(deployment.latency_ewma_ms)}</td>
                <td className="number">{formatInteger(deployment.in_flight)}</td>
                <td className="number">{formatInteger(deployment.requests_last_minute)}</td>
                <td className="number">{formatShare(deployment.error_rate)}</td>
                <td className="number">{formatInteger(deployment.consecutive_failures)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
