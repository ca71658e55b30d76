import { useState } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { ContextAttachmentView } from '../api/api-types.ts';
import { formatTime } from '../lib/format.ts';
import { routeHref } from '../lib/use-hash-route.ts';
import { messageOf } from '../lib/use-api-data.ts';
import { ContextAttachForm } from './context-attach-form.tsx';
import { DocumentStatusPill } from './document-status-pill.tsx';
import { ErrorBanner } from './error-banner.tsx';

/**
 * Where context documents are injected: each attachment's scope and target, pinned version (or
 * the newest approved one), what a stale version does, and the version served now with its
 * status. Writers may attach (to `document` only, when given) and remove.
 */
export function ContextAttachments({
  attachments,
  documents,
  document,
  canWrite,
  onChanged,
}: {
  readonly attachments: readonly ContextAttachmentView[];
  readonly documents: readonly string[];
  readonly document?: string;
  readonly canWrite: boolean;
  readonly onChanged: () => void;
}) {
  const [actionError, setActionError] = useState<string | undefined>();
  // Two clicks rather than window.confirm: a native dialog blocks the page and browser tests.
  const [confirming, setConfirming] = useState<string | undefined>();

  const remove = (id: string): void => {
    setConfirming(undefined);
    setActionError(undefined);
    apiRequest('DELETE', `/admin/context-attachments/${encodeURIComponent(id)}`)
      .then(onChanged)
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  return (
    <section className="card" data-testid="context-attachments">
      <h2>Attachments</h2>
      <ErrorBanner message={actionError} />
      <table className="table compact">
        <thead>
          <tr>
            <th>Document</th>
            <th>Scope</th>
            <th>Target</th>
            <th>Version</th>
            <th>When stale</th>
            <th>Serving</th>
            <th>Created</th>
            {canWrite ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {attachments.map((attachment) => (
            <tr
              key={attachment.id}
              data-testid="context-attachment-row"
              data-attachment-id={attachment.id}
            >
              <td className="mono">
                <a href={routeHref('context', attachment.document)}>{attachment.document}</a>
              </td>
              <td>{attachment.scope}</td>
              <td className="mono">{attachment.target}</td>
              <td>
                {attachment.version === null ? (
                  <span className="muted">follows latest</span>
                ) : (
                  `v${attachment.version} (pinned)`
                )}
              </td>
              <td>{attachment.on_stale}</td>
              <td>
                {attachment.served_version === null ? '–' : `v${attachment.served_version} `}
                <DocumentStatusPill status={attachment.served_status} />
              </td>
              <td>
                {formatTime(attachment.created_at)}
                <br />
                <span className="muted small">by {attachment.created_by}</span>
              </td>
              {canWrite ? (
                <td className="actions">
                  {confirming === attachment.id ? (
                    <button
                      type="button"
                      className="button danger small"
                      onClick={() => remove(attachment.id)}
                      data-testid="context-attachment-remove-confirm"
                    >
                      Confirm remove
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button danger-outline small"
                      onClick={() => setConfirming(attachment.id)}
                      data-testid="context-attachment-remove"
                    >
                      Remove
                    </button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {attachments.length === 0 ? <p className="muted">Attached nowhere.</p> : null}
      {canWrite && (document !== undefined || documents.length > 0) ? (
        <>
          <h4>Attach</h4>
          <ContextAttachForm
            documents={documents}
            {...(document === undefined ? {} : { document })}
            onAttached={onChanged}
          />
        </>
      ) : null}
    </section>
  );
}
