import { useState } from 'react';
import { queryString } from '../api/api-client.ts';
import type { ActivePolicy, PolicyVersions } from '../api/api-types.ts';
import { DiffView } from '../components/diff-view.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatTime } from '../lib/format.ts';
import { useApiData } from '../lib/use-api-data.ts';

const short = (version: string): string => version.slice(0, 12);

/** The policy in force, its stored versions and activations, and a diff of any two versions. */
export function PoliciesPage() {
  const active = useApiData<ActivePolicy>('/admin/policy');
  const versions = useApiData<PolicyVersions>('/admin/policy/versions');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const diff = useApiData<{ diff: string }>(
    from !== '' && to !== '' && from !== to
      ? `/admin/policy/diff${queryString({ from, to })}`
      : undefined,
  );
  const list = versions.data?.data ?? [];

  return (
    <>
      <PageHeader title="Policies" subtitle="The policy in force and its history" />
      <section className="card">
        <h2>In force</h2>
        <ErrorBanner message={active.error} />
        {active.data === undefined ? null : (
          <>
            <p>
              <strong>{active.data.name}</strong>{' '}
              <span className="mono muted">{short(active.data.version)}</span>, activated{' '}
              {formatTime(active.data.activated_at)} by {active.data.activated_by}
            </p>
            <pre className="code" data-testid="policy-text">
              {active.data.text}
            </pre>
          </>
        )}
      </section>
      <section className="card">
        <h2>Versions</h2>
        <ErrorBanner message={versions.error} />
        <table className="table compact">
          <thead>
            <tr>
              <th>Version</th>
              <th>Name</th>
              <th>Created</th>
              <th>By</th>
              <th>Diff from</th>
              <th>Diff to</th>
            </tr>
          </thead>
          <tbody>
            {list.map((version) => (
              <tr key={version.version} data-testid="policy-version-row">
                <td className="mono">{short(version.version)}</td>
                <td>{version.name}</td>
                <td>{formatTime(version.created_at)}</td>
                <td>{version.created_by}</td>
                <td>
                  <input
                    type="radio"
                    name="diff-from"
                    checked={from === version.version}
                    onChange={() => setFrom(version.version)}
                    aria-label={`Diff from ${short(version.version)}`}
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="diff-to"
                    checked={to === version.version}
                    onChange={() => setTo(version.version)}
                    aria-label={`Diff to ${short(version.version)}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {from === '' || to === '' ? (
          <p className="muted">Pick two versions to compare.</p>
        ) : from === to ? (
          <p className="muted">The two versions are the same.</p>
        ) : (
          <>
            <ErrorBanner message={diff.error} />
            {diff.data === undefined ? null : <DiffView diff={diff.data.diff} />}
          </>
        )}
      </section>
      <section className="card">
        <h2>Activation history</h2>
        <table className="table compact">
          <thead>
            <tr>
              <th>When</th>
              <th>Version</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {(versions.data?.activations ?? []).map((activation, index) => (
              <tr key={`${activation.version}-${index}`}>
                <td>{formatTime(activation.activated_at)}</td>
                <td className="mono">{short(activation.version)}</td>
                <td>{activation.activated_by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
