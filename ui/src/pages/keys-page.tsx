import { useState } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { CreatedKey, KeyView, ListOf } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { KeyCreateForm } from '../components/key-create-form.tsx';
import { KeyEditForm } from '../components/key-edit-form.tsx';
import { KeySecretNotice } from '../components/key-secret-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { formatTime } from '../lib/format.ts';
import { messageOf, useApiData } from '../lib/use-api-data.ts';

/** Virtual keys: list (optionally with revoked ones), create, edit, revoke. */
export function KeysPage() {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const keys = useApiData<ListOf<KeyView>>(
    `/admin/keys${includeRevoked ? '?include_revoked=true' : ''}`,
  );
  const [created, setCreated] = useState<CreatedKey | undefined>();
  const [editing, setEditing] = useState<string | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();

  // Two clicks rather than window.confirm: a native dialog blocks the page and browser tests.
  const [confirming, setConfirming] = useState<string | undefined>();

  const revoke = (key: KeyView): void => {
    setConfirming(undefined);
    setActionError(undefined);
    apiRequest('DELETE', `/admin/keys/${encodeURIComponent(key.id)}`)
      .then(keys.reload)
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  return (
    <>
      <PageHeader title="Keys" subtitle="Virtual keys the gateway accepts">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(event) => setIncludeRevoked(event.target.checked)}
          />
          Show revoked
        </label>
      </PageHeader>
      {created === undefined ? null : (
        <KeySecretNotice created={created} onDismiss={() => setCreated(undefined)} />
      )}
      <KeyCreateForm
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      <ErrorBanner message={keys.error ?? actionError} />
      <div className="card table-card">
        <table className="table" data-testid="key-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Role</th>
              <th>Org / team</th>
              <th>Models</th>
              <th>Expires</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(keys.data?.data ?? []).map((key) => (
              <tr key={key.id} data-testid="key-row" data-key-id={key.id}>
                {editing === key.id ? (
                  <td colSpan={8}>
                    <KeyEditForm
                      keyView={key}
                      onSaved={() => {
                        setEditing(undefined);
                        keys.reload();
                      }}
                      onCancel={() => setEditing(undefined)}
                    />
                  </td>
                ) : (
                  <>
                    <td data-testid="key-name">{key.name}</td>
                    <td className="mono">{key.display}</td>
                    <td>{key.role}</td>
                    <td>
                      {key.org} / {key.team ?? '–'}
                    </td>
                    <td>{key.models === null ? 'all' : key.models.join(', ')}</td>
                    <td>{key.expires_at === null ? 'never' : formatTime(key.expires_at)}</td>
                    <td>
                      {key.revoked_at === null ? (
                        <StatusPill tone="good">active</StatusPill>
                      ) : (
                        <StatusPill tone="bad">revoked</StatusPill>
                      )}
                    </td>
                    <td className="actions">
                      {key.revoked_at === null ? (
                        <>
                          <button
                            type="button"
                            className="button secondary small"
                            onClick={() => setEditing(key.id)}
                            data-testid="key-edit"
                          >
                            Edit
                          </button>
                          {confirming === key.id ? (
                            <button
                              type="button"
                              className="button danger small"
                              onClick={() => revoke(key)}
                              data-testid="key-revoke-confirm"
                            >
                              Confirm revoke
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="button danger-outline small"
                              onClick={() => setConfirming(key.id)}
                              data-testid="key-revoke"
                            >
                              Revoke
                            </button>
                          )}
                        </>
                      ) : null}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
