import type { CreatedKey } from '../api/api-types.ts';

/** The new key's secret, shown once: the gateway keeps only its hash. */
export function KeySecretNotice({
  created,
  onDismiss,
}: {
  readonly created: CreatedKey;
  readonly onDismiss: () => void;
}) {
  return (
    <div className="card notice" role="status" data-testid="key-secret-notice">
      <p>
        Key <strong>{created.name}</strong> was created. Copy its secret now: it is not shown again.
      </p>
      <code className="secret" data-testid="key-secret">
        {created.key}
      </code>
      <button
        type="button"
        className="button secondary"
        onClick={onDismiss}
        data-testid="key-secret-dismiss"
      >
        Done
      </button>
    </div>
  );
}
