import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { SessionView } from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

/**
 * Exchanges an admin key for a session cookie (POST /admin/session). The key is sent once and
 * never stored by the console; only the CSRF token is kept, in memory.
 */
export function SignInPage({
  onSignedIn,
}: {
  readonly onSignedIn: (session: SessionView) => void;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    apiRequest<SessionView>(
      'POST',
      '/admin/session',
      { key: key.trim() },
      { quietUnauthorised: true },
    )
      .then((answer) => {
        setKey('');
        onSignedIn(answer.body);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} data-testid="sign-in-form">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Signalbox console
        </div>
        <label htmlFor="admin-key">Admin key</label>
        <input
          id="admin-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="sk-sb-… or SIGNALBOX_ADMIN_KEY"
          data-testid="sign-in-key"
          required
        />
        <button type="submit" className="button" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error === undefined ? null : (
          <p className="error-banner" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <p className="muted small">
          Any key whose role may use the admin API. The key is exchanged for a session cookie and is
          not kept by the browser.
        </p>
      </form>
    </div>
  );
}
