import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { PromptLabelRequest, PromptLabelView } from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

interface TargetRow {
  readonly version: string;
  readonly weight: string;
}

/**
 * Points a label at one version, or splits it between versions by weight (PUT
 * /admin/prompts/:id/labels/:label). Starts from `label`'s current targets when given.
 */
export function PromptLabelForm({
  promptId,
  versions,
  label,
  onSaved,
  onCancel,
}: {
  readonly promptId: string;
  /** The prompt's version numbers, newest first. */
  readonly versions: readonly number[];
  readonly label?: PromptLabelView;
  readonly onSaved: (label: PromptLabelView) => void;
  readonly onCancel: () => void;
}) {
  const newest = versions[0] === undefined ? '' : String(versions[0]);
  const [name, setName] = useState(label?.label ?? '');
  const [rows, setRows] = useState<readonly TargetRow[]>(() =>
    label === undefined || label.targets.length === 0
      ? [{ version: newest, weight: '100' }]
      : label.targets.map((target) => ({
          version: String(target.version),
          weight: String(target.weight),
        })),
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const setRow = (index: number, change: Partial<TargetRow>): void =>
    setRows((current) => current.map((row, at) => (at === index ? { ...row, ...change } : row)));

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    const targets = rows.map((row) => ({
      version: Number(row.version),
      weight: Number(row.weight),
    }));
    if (targets.some((target) => !Number.isSafeInteger(target.weight) || target.weight < 1)) {
      setError('Each weight must be a whole number of at least 1.');
      return;
    }
    const [only] = targets;
    const body: PromptLabelRequest =
      targets.length === 1 && only !== undefined ? { version: only.version } : { targets };
    setBusy(true);
    apiRequest<PromptLabelView>(
      'PUT',
      `/admin/prompts/${encodeURIComponent(promptId)}/labels/${encodeURIComponent(name.trim())}`,
      body,
    )
      .then((answer) => onSaved(answer.body))
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="form-grid" onSubmit={submit} data-testid="prompt-label-form">
      <label>
        Label
        <input
          placeholder="production"
          value={name}
          onChange={(event) => setName(event.target.value)}
          pattern="[a-z][a-z0-9_\-]{0,31}"
          title="Lowercase letters, digits, '_' and '-', starting with a letter; at most 32."
          required
          readOnly={label !== undefined}
          data-testid="prompt-label-name"
        />
      </label>
      <div className="full message-rows">
        {rows.map((row, index) => (
          <div className="inline-form" key={index} data-testid="prompt-label-target">
            <select
              value={row.version}
              onChange={(event) => setRow(index, { version: event.target.value })}
              aria-label={`Target ${index + 1} version`}
              data-testid="prompt-label-version"
            >
              {versions.map((version) => (
                <option key={version} value={String(version)}>
                  v{version}
                </option>
              ))}
            </select>
            {rows.length === 1 ? null : (
              <>
                <input
                  type="number"
                  min="1"
                  max="10000"
                  step="1"
                  className="narrow"
                  value={row.weight}
                  onChange={(event) => setRow(index, { weight: event.target.value })}
                  aria-label={`Target ${index + 1} weight`}
                  required
                  data-testid="prompt-label-weight"
                />
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => setRows((current) => current.filter((_, at) => at !== index))}
                >
                  Remove
                </button>
              </>
            )}
          </div>
        ))}
      </div>
      <div className="full form-actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => setRows((current) => [...current, { version: newest, weight: '10' }])}
          disabled={rows.length >= 10}
          data-testid="prompt-label-split"
        >
          Split with another version
        </button>
        <button type="submit" className="button" disabled={busy} data-testid="prompt-label-submit">
          {label === undefined ? 'Set label' : `Move ${label.label}`}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error-banner" role="alert" data-testid="prompt-label-error">
          {error}
        </p>
      )}
    </form>
  );
}
