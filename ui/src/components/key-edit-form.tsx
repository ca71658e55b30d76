import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { KeyView } from '../api/api-types.ts';
import { isoToLocal, localToIso, parseList } from '../lib/list-input.ts';
import { messageOf } from '../lib/use-api-data.ts';

/** Edits a key's name, models and expiry (PATCH /admin/keys/:id). */
export function KeyEditForm({
  keyView,
  onSaved,
  onCancel,
}: {
  readonly keyView: KeyView;
  readonly onSaved: () => void;
  readonly onCancel: () => void;
}) {
  const [name, setName] = useState(keyView.name);
  const [models, setModels] = useState(keyView.models?.join(', ') ?? '');
  const [expires, setExpires] = useState(isoToLocal(keyView.expires_at));
  const [error, setError] = useState<string | undefined>();

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    apiRequest('PATCH', `/admin/keys/${encodeURIComponent(keyView.id)}`, {
      name: name.trim(),
      models: parseList(models),
      expires_at: localToIso(expires),
    })
      .then(onSaved)
      .catch((thrown: unknown) => setError(messageOf(thrown)));
  };

  return (
    <form className="inline-form" onSubmit={submit} data-testid="key-edit-form">
      <input
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-label="Name"
        required
        data-testid="key-edit-name"
      />
      <input
        value={models}
        onChange={(event) => setModels(event.target.value)}
        aria-label="Models"
        placeholder="all models"
        data-testid="key-edit-models"
      />
      <input
        type="datetime-local"
        value={expires}
        onChange={(event) => setExpires(event.target.value)}
        aria-label="Expires"
        data-testid="key-edit-expires"
      />
      <button type="submit" className="button" data-testid="key-edit-save">
        Save
      </button>
      <button type="button" className="button secondary" onClick={onCancel}>
        Cancel
      </button>
      {error === undefined ? null : (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
