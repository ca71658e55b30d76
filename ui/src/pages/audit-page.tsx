import { useState } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { AuditStatus, AuditVerification } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { formatInteger } from '../lib/format.ts';
import { messageOf, useApiData } from '../lib/use-api-data.ts';

/** The audit chain: size, head, last checkpoint, and an on-demand verification of the chain. */
export function AuditPage() {
  const status = useApiData<AuditStatus>('/admin/audit/status');
  const [result, setResult] = useState<AuditVerification | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const verify = (): void => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    apiRequest<AuditVerification>('POST', '/admin/audit/verify')
      .then((answer) => {
        setResult(answer.body);
        status.reload();
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <>
      <PageHeader title="Audit" subtitle="The hash-chained audit trail">
        <button
          type="button"
          className="button"
          onClick={verify}
          disabled={busy}
          data-testid="audit-verify"
        >
          {busy ? 'Verifying…' : 'Verify chain'}
        </button>
      </PageHeader>
      <ErrorBanner message={status.error ?? error} />
      {result === undefined ? null : (
        <div
          className={`card notice ${result.ok ? 'notice-good' : 'notice-bad'}`}
          role="status"
          data-testid="audit-verify-result"
          data-ok={String(result.ok)}
        >
          <strong>{result.ok ? 'The chain verifies.' : 'The chain does not verify.'}</strong>{' '}
          {formatInteger(result.records_checked)} records checked
          {result.first_bad_seq === null ? '' : `; first bad record ${result.first_bad_seq}`}.{' '}
          {result.detail}
        </div>
      )}
      <div className="stat-grid">
        <StatCard
          label="Records"
          value={formatInteger(status.data?.records)}
          testId="audit-records"
        />
        <StatCard label="Head sequence" value={formatInteger(status.data?.head?.seq)} />
      </div>
      <section className="card">
        <h2>Head</h2>
        <p className="mono break">{status.data?.head?.hash ?? 'The chain is empty.'}</p>
        <h2>Checkpoint</h2>
        {status.data?.checkpoint === null || status.data?.checkpoint === undefined ? (
          <p className="muted">No checkpoint yet.</p>
        ) : (
          <dl className="facts">
            {Object.entries(status.data.checkpoint).map(([name, value]) => (
              <div key={name} className="fact-row">
                <dt>{name}</dt>
                <dd className="mono break">
                  {typeof value === 'string' ? value : JSON.stringify(value)}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
    </>
  );
}
