import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { ContextVersionRequest, ContextVersionView } from '../api/api-types.ts';
import { localToIso } from '../lib/list-input.ts';
import { messageOf } from '../lib/use-api-data.ts';

/**
 * Stores a new version of a context document (POST /admin/context-documents/:id/versions); it
 * starts as a draft, injected nowhere until approved. Without `documentId` it asks for the id,
 * which creates the document. Title and owner start from `previous` (the newest version).
 */
export function ContextVersionForm({
  documentId,
  previous,
  onCreated,
}: {
  readonly documentId?: string;
  readonly previous?: { readonly title: string; readonly owner: string };
  readonly onCreated: (version: ContextVersionView) => void;
}) {
  const [id, setId] = useState('');
  const [title, setTitle] = useState(previous?.title ?? '');
  const [owner, setOwner] = useState(previous?.owner ?? '');
  const [content, setContent] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    const target = documentId ?? id.trim();
    const body: ContextVersionRequest = {
      title: title.trim(),
      owner: owner.trim(),
      content,
      expires_at: localToIso(expires),
    };
    setBusy(true);
    apiRequest<ContextVersionView>(
      'POST',
      `/admin/context-documents/${encodeURIComponent(target)}/versions`,
      body,
    )
      .then((answer) => {
        setContent('');
        setExpires('');
        if (documentId === undefined) setId('');
        onCreated(answer.body);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="card form-grid" onSubmit={submit} data-testid="context-version-form">
      <h2>{documentId === undefined ? 'New document' : 'New version (draft)'}</h2>
      {documentId === undefined ? (
        <label>
          Document id
          <input
            placeholder="refund-policy"
            value={id}
            onChange={(event) => setId(event.target.value)}
            pattern="[a-z0-9][a-z0-9._\-]{0,63}"
            title="Lowercase letters, digits, '.', '_' and '-'; at most 64."
            required
            data-testid="context-version-id"
          />
        </label>
      ) : null}
      <label>
        Title
        <input
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          maxLength={200}
          required
          data-testid="context-version-title"
        />
      </label>
      <label>
        Owner
        <input
          placeholder="support-ops"
          value={owner}
          onChange={(event) => setOwner(event.target.value)}
          maxLength={200}
          required
          data-testid="context-version-owner"
        />
      </label>
      <label>
        Expires (optional)
        <input
          type="datetime-local"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
          data-testid="context-version-expires"
        />
      </label>
      <label className="full">
        Content
        <textarea
          rows={8}
          value={content}
          onChange={(event) => setContent(event.target.value)}
          required
          data-testid="context-version-content"
        />
      </label>
      <div className="full">
        <button
          type="submit"
          className="button"
          disabled={busy}
          data-testid="context-version-submit"
        >
          Store draft
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error-banner" role="alert" data-testid="context-version-error">
          {error}
        </p>
      )}
    </form>
  );
}
