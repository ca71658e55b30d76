import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type {
  ContextAttachRequest,
  ContextAttachmentScope,
  ContextAttachmentView,
  ContextOnStale,
} from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

const scopes: readonly ContextAttachmentScope[] = ['alias', 'team', 'route'];
const onStaleChoices: readonly ContextOnStale[] = ['caveat', 'warn', 'block'];
/** The chat ingress paths the gateway accepts as route targets. */
const chatRoutes = ['/v1/chat/completions', '/v1/responses', '/v1/messages'];

/**
 * Attaches a document to requests of a model alias, team or chat route (POST
 * /admin/context-attachments). The gateway refuses a document with no approved version, or a
 * pinned version that is not approved.
 */
export function ContextAttachForm({
  documents,
  document: fixedDocument,
  onAttached,
}: {
  /** Ids to choose from when no `document` is given. */
  readonly documents: readonly string[];
  readonly document?: string;
  readonly onAttached: (attachment: ContextAttachmentView) => void;
}) {
  const [picked, setPicked] = useState('');
  const [scope, setScope] = useState<ContextAttachmentScope>('alias');
  const [target, setTarget] = useState('');
  const [version, setVersion] = useState('');
  const [onStale, setOnStale] = useState<ContextOnStale>('caveat');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  // Until one is picked, the first of `documents` (the list may arrive after the first render).
  const chosen = fixedDocument ?? (picked === '' ? (documents[0] ?? '') : picked);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    const pinned = version.trim() === '' ? undefined : Number(version);
    if (pinned !== undefined && (!Number.isSafeInteger(pinned) || pinned < 1)) {
      setError('The pinned version must be a whole number of at least 1, or empty.');
      return;
    }
    const body: ContextAttachRequest = {
      document: chosen,
      scope,
      target: scope === 'route' && target === '' ? (chatRoutes[0] ?? '') : target.trim(),
      on_stale: onStale,
      ...(pinned === undefined ? {} : { version: pinned }),
    };
    setBusy(true);
    apiRequest<ContextAttachmentView>('POST', '/admin/context-attachments', body)
      .then((answer) => {
        setTarget('');
        setVersion('');
        onAttached(answer.body);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="form-grid" onSubmit={submit} data-testid="context-attach-form">
      {fixedDocument === undefined ? (
        <label>
          Document
          <select
            value={chosen}
            onChange={(event) => setPicked(event.target.value)}
            required
            data-testid="context-attach-document"
          >
            {documents.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        Scope
        <select
          value={scope}
          onChange={(event) => {
            setScope(event.target.value as ContextAttachmentScope);
            setTarget('');
          }}
          data-testid="context-attach-scope"
        >
          {scopes.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <label>
        Target
        {scope === 'route' ? (
          <select
            value={target === '' ? chatRoutes[0] : target}
            onChange={(event) => setTarget(event.target.value)}
            data-testid="context-attach-target"
          >
            {chatRoutes.map((route) => (
              <option key={route}>{route}</option>
            ))}
          </select>
        ) : (
          <input
            placeholder={scope === 'alias' ? 'model alias, e.g. support-bot' : 'team id'}
            value={target}
            onChange={(event) => setTarget(event.target.value)}
            maxLength={200}
            required
            data-testid="context-attach-target"
          />
        )}
      </label>
      <label>
        Pinned version
        <input
          type="number"
          min="1"
          step="1"
          placeholder="follows latest approved"
          value={version}
          onChange={(event) => setVersion(event.target.value)}
          data-testid="context-attach-version"
        />
      </label>
      <label>
        When stale
        <select
          value={onStale}
          onChange={(event) => setOnStale(event.target.value as ContextOnStale)}
          data-testid="context-attach-on-stale"
        >
          {onStaleChoices.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={busy || chosen === ''}
          data-testid="context-attach-submit"
        >
          Attach
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error-banner" role="alert" data-testid="context-attach-error">
          {error}
        </p>
      )}
    </form>
  );
}
