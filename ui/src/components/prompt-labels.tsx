import { useState } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { PromptLabelView } from '../api/api-types.ts';
import { formatTime } from '../lib/format.ts';
import { describeTargets } from '../lib/prompt-labels.ts';
import { messageOf } from '../lib/use-api-data.ts';
import { ErrorBanner } from './error-banner.tsx';
import { PromptLabelForm } from './prompt-label-form.tsx';

/**
 * A prompt's labels and where each points. Writers may move one (to a version or a weighted
 * split), roll it back to where it pointed before its latest move, remove it, or add a label.
 */
export function PromptLabels({
  promptId,
  labels,
  versions,
  canWrite,
  onChanged,
}: {
  readonly promptId: string;
  readonly labels: readonly PromptLabelView[];
  /** Version numbers, newest first. */
  readonly versions: readonly number[];
  readonly canWrite: boolean;
  readonly onChanged: () => void;
}) {
  const [editing, setEditing] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  // Two clicks rather than window.confirm: a native dialog blocks the page and browser tests.
  const [confirming, setConfirming] = useState<string | undefined>();

  const labelPath = (label: string): string =>
    `/admin/prompts/${encodeURIComponent(promptId)}/labels/${encodeURIComponent(label)}`;

  const act = (method: string, path: string): void => {
    setConfirming(undefined);
    setActionError(undefined);
    apiRequest(method, path)
      .then(onChanged)
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  const saved = (): void => {
    setEditing(undefined);
    setAdding(false);
    onChanged();
  };

  return (
    <section className="card" data-testid="prompt-labels">
      <h2>Labels</h2>
      <ErrorBanner message={actionError} />
      <table className="table compact">
        <thead>
          <tr>
            <th>Label</th>
            <th>Points at</th>
            <th>Moved</th>
            <th>By</th>
            {canWrite ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {labels.map((label) => (
            <tr key={label.label} data-testid="prompt-label-row" data-label={label.label}>
              {editing === label.label ? (
                <td colSpan={5}>
                  <PromptLabelForm
                    promptId={promptId}
                    versions={versions}
                    label={label}
                    onSaved={saved}
                    onCancel={() => setEditing(undefined)}
                  />
                </td>
              ) : (
                <>
                  <td className="mono">{label.label}</td>
                  <td data-testid="prompt-label-targets">{describeTargets(label.targets)}</td>
                  <td>{formatTime(label.moved_at)}</td>
                  <td>{label.moved_by}</td>
                  {canWrite ? (
                    <td className="actions">
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => setEditing(label.label)}
                        data-testid="prompt-label-move"
                      >
                        Move
                      </button>
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => act('POST', `${labelPath(label.label)}/rollback`)}
                        data-testid="prompt-label-rollback"
                      >
                        Rollback
                      </button>
                      {confirming === label.label ? (
                        <button
                          type="button"
                          className="button danger small"
                          onClick={() => act('DELETE', labelPath(label.label))}
                          data-testid="prompt-label-remove-confirm"
                        >
                          Confirm remove
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="button danger-outline small"
                          onClick={() => setConfirming(label.label)}
                          data-testid="prompt-label-remove"
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  ) : null}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {labels.length === 0 ? (
        <p className="muted">
          No labels. Requests that name no version or label use{' '}
          <span className="mono">production</span>.
        </p>
      ) : null}
      {!canWrite || versions.length === 0 ? null : adding ? (
        <>
          <h4>New label</h4>
          <PromptLabelForm
            promptId={promptId}
            versions={versions}
            onSaved={saved}
            onCancel={() => setAdding(false)}
          />
        </>
      ) : (
        <button
          type="button"
          className="button secondary"
          onClick={() => setAdding(true)}
          data-testid="prompt-label-add"
        >
          Add label
        </button>
      )}
    </section>
  );
}
