import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { ContextVersionDetailView, ContextVersionView } from '../api/api-types.ts';
import { formatTime } from '../lib/format.ts';
import { messageOf, useApiData } from '../lib/use-api-data.ts';
import { DocumentStatusPill } from './document-status-pill.tsx';
import { ErrorBanner } from './error-banner.tsx';

const short = (sha256: string): string => sha256.slice(0, 12);

/**
 * A context document's versions, newest first, with their status and who approved or revoked
 * them. Writers may approve a draft or revoke a version (with a reason); any version's text can
 * be shown.
 */
export function ContextVersionsTable({
  documentId,
  versions,
  canWrite,
  onChanged,
}: {
  readonly documentId: string;
  readonly versions: readonly ContextVersionView[];
  readonly canWrite: boolean;
  readonly onChanged: () => void;
}) {
  const base = `/admin/context-documents/${encodeURIComponent(documentId)}/versions`;
  const [shown, setShown] = useState<number | undefined>();
  const content = useApiData<ContextVersionDetailView>(
    shown === undefined ? undefined : `${base}/${shown}`,
  );
  const [revoking, setRevoking] = useState<number | undefined>();
  const [reason, setReason] = useState('');
  const [actionError, setActionError] = useState<string | undefined>();

  const approve = (version: number): void => {
    setActionError(undefined);
    apiRequest('POST', `${base}/${version}/approve`)
      .then(onChanged)
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  const revoke = (event: SyntheticEvent, version: number): void => {
    event.preventDefault();
    setActionError(undefined);
    apiRequest(
      'POST',
      `${base}/${version}/revoke`,
      reason.trim() === '' ? {} : { reason: reason.trim() },
    )
      .then(() => {
        setRevoking(undefined);
        setReason('');
        onChanged();
      })
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  const text = content.data?.version === shown ? content.data : undefined;

  return (
    <>
      <ErrorBanner message={actionError} />
      <table className="table compact" data-testid="context-version-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Title</th>
            <th>Owner</th>
            <th>SHA-256</th>
            <th>Status</th>
            <th>Expires</th>
            <th>Approved</th>
            <th>Revoked</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr
              key={version.version}
              data-testid="context-version-row"
              data-version={version.version}
            >
              <td className="mono">v{version.version}</td>
              <td>{version.title}</td>
              <td>{version.owner}</td>
              <td className="mono muted">{short(version.sha256)}</td>
              <td data-testid="context-version-status">
                <DocumentStatusPill status={version.status} />
              </td>
              <td>{version.expires_at === null ? 'never' : formatTime(version.expires_at)}</td>
              <td>
                {version.approved_at === null ? (
                  '–'
                ) : (
                  <>
                    {formatTime(version.approved_at)}
                    <br />
                    <span className="muted small">by {version.approved_by}</span>
                  </>
                )}
              </td>
              <td>
                {version.revoked_at === null ? (
                  '–'
                ) : (
                  <>
                    {formatTime(version.revoked_at)}
                    <br />
                    <span className="muted small">
                      by {version.revoked_by}
                      {version.revoke_reason === null || version.revoke_reason === ''
                        ? ''
                        : `: ${version.revoke_reason}`}
                    </span>
                  </>
                )}
              </td>
              <td>
                {formatTime(version.created_at)}
                <br />
                <span className="muted small">by {version.created_by}</span>
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => setShown(shown === version.version ? undefined : version.version)}
                  aria-pressed={shown === version.version}
                  data-testid="context-version-show"
                >
                  {shown === version.version ? 'Hide' : 'Show'}
                </button>
                {canWrite && version.status === 'draft' ? (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => approve(version.version)}
                    data-testid="context-version-approve"
                  >
                    Approve
                  </button>
                ) : null}
                {canWrite && version.status !== 'revoked' ? (
                  revoking === version.version ? (
                    <form
                      className="inline-form"
                      onSubmit={(event) => revoke(event, version.version)}
                      data-testid="context-revoke-form"
                    >
                      <input
                        placeholder="Reason (optional)"
                        value={reason}
                        onChange={(event) => setReason(event.target.value)}
                        maxLength={500}
                        aria-label="Reason"
                        data-testid="context-revoke-reason"
                      />
                      <button
                        type="submit"
                        className="button danger small"
                        data-testid="context-revoke-confirm"
                      >
                        Confirm revoke
                      </button>
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => setRevoking(undefined)}
                      >
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <button
                      type="button"
                      className="button danger-outline small"
                      onClick={() => {
                        setReason('');
                        setRevoking(version.version);
                      }}
                      data-testid="context-version-revoke"
                    >
                      Revoke
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown === undefined ? null : (
        <div className="trace-group">
          <ErrorBanner message={content.error} />
          {text === undefined ? null : (
            <>
              <h4>
                Version {text.version}: {text.title}
              </h4>
              <pre className="code" data-testid="context-version-content-view">
                {text.content}
              </pre>
            </>
          )}
        </div>
      )}
    </>
  );
}
