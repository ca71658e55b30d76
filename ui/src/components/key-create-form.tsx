import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { CreatedKey } from '../api/api-types.ts';
import { localToIso, parseList } from '../lib/list-input.ts';
import { messageOf } from '../lib/use-api-data.ts';

const roles = ['member', 'service', 'viewer', 'team_admin', 'admin'];

/** Creates a key (POST /admin/keys) and hands the answer, secret included, to `onCreated`. */
export function KeyCreateForm({ onCreated }: { readonly onCreated: (key: CreatedKey) => void }) {
  const [name, setName] = useState('');
  const [models, setModels] = useState('');
  const [role, setRole] = useState('member');
  const [team, setTeam] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      name: name.trim(),
      models: parseList(models),
      role,
      expires_at: localToIso(expires),
      ...(team.trim() === '' ? {} : { team: team.trim() }),
    };
    apiRequest<CreatedKey>('POST', '/admin/keys', body)
      .then((answer) => {
        setName('');
        setModels('');
        setTeam('');
        setExpires('');
        onCreated(answer.body);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="card form-grid" onSubmit={submit} data-testid="key-create-form">
      <h2>New key</h2>
      <label>
        Name
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          data-testid="key-create-name"
        />
      </label>
      <label>
        Models
        <input
          placeholder="all models (or a comma-separated list)"
          value={models}
          onChange={(event) => setModels(event.target.value)}
          data-testid="key-create-models"
        />
      </label>
      <label>
        Role
        <select
          value={role}
          onChange={(event) => setRole(event.target.value)}
          data-testid="key-create-role"
        >
          {roles.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <label>
        Team
        <input
          placeholder="none"
          value={team}
          onChange={(event) => setTeam(event.target.value)}
          data-testid="key-create-team"
        />
      </label>
      <label>
        Expires (optional)
        <input
          type="datetime-local"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
          data-testid="key-create-expires"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy} data-testid="key-create-submit">
          Create key
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error-banner" role="alert" data-testid="key-create-error">
          {error}
        </p>
      )}
    </form>
  );
}
