import type { RequestDetail } from '../api/api-types.ts';
import { AttemptsTable } from '../components/attempts-table.tsx';
import { DecisionTraceView } from '../components/decision-trace-view.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatInteger, formatMs, formatTime, formatUsd } from '../lib/format.ts';
import { normaliseTrace } from '../lib/normalise-trace.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { routeHref } from '../lib/use-hash-route.ts';

/** One request: its facts, attempts, decision trace and a link to the kept payload. */
export function RequestDetailPage({ id }: { readonly id: string }) {
  const detail = useApiData<RequestDetail>(`/admin/requests/${encodeURIComponent(id)}`);
  const request = detail.data;
  const trace = normaliseTrace(request?.decision);
  return (
    <>
      <PageHeader title="Request" subtitle={id}>
        <a className="button secondary" href={routeHref('requests')}>
          ← All requests
        </a>
      </PageHeader>
      <ErrorBanner message={detail.error} />
      {request === undefined ? null : (
        <>
          <section className="card" data-testid="request-detail">
            <dl className="facts columns">
              <dt>Time</dt>
              <dd>{formatTime(request.at)}</dd>
              <dt>Route</dt>
              <dd className="mono">
                {request.method} {request.route}
              </dd>
              <dt>Status</dt>
              <dd>
                {request.status} {request.outcome}
                {request.error_code === null ? '' : ` · ${request.error_code}`}
              </dd>
              <dt>Model</dt>
              <dd>{request.requested_model ?? '–'}</dd>
              <dt>Served by</dt>
              <dd>
                {request.deployment ?? '–'}
                {request.upstream_model === null ? '' : ` (${request.upstream_model})`}
              </dd>
              <dt>Key</dt>
              <dd className="mono">{request.key_id ?? '–'}</dd>
              <dt>Org / team</dt>
              <dd>
                {request.org ?? '–'} / {request.team ?? '–'}
              </dd>
              <dt>Tokens in / out</dt>
              <dd>
                {formatInteger(request.input_tokens)} / {formatInteger(request.output_tokens)}
              </dd>
              <dt>Cost</dt>
              <dd>{formatUsd(request.cost_usd)}</dd>
              <dt>Duration (upstream)</dt>
              <dd>
                {formatMs(request.duration_ms)} ({formatMs(request.upstream_ms)})
              </dd>
              <dt>Cache</dt>
              <dd>{request.cache ?? '–'}</dd>
              <dt>Finish</dt>
              <dd>{request.finish_reasons?.join(', ') ?? '–'}</dd>
              <dt>Payload</dt>
              <dd>
                {request.payload_seq === null ? (
                  'not kept'
                ) : (
                  <a
                    href={`/admin/audit/payloads/${request.payload_seq}`}
                    target="_blank"
                    rel="noreferrer"
                    data-testid="payload-link"
                  >
                    audit record {request.payload_seq}
                  </a>
                )}
              </dd>
            </dl>
          </section>
          <section className="card">
            <h2>Routing decision</h2>
            {trace === null ? (
              <p className="muted">
                No routing decision was made
                {request.route_reason === null ? '' : ` (${request.route_reason})`}.
              </p>
            ) : (
              <DecisionTraceView trace={trace} />
            )}
          </section>
          <section className="card">
            <h2>Attempts</h2>
            <AttemptsTable attempts={request.attempts ?? []} />
          </section>
        </>
      )}
    </>
  );
}
