import { useState } from 'react';
import type { PromptDetailView, PromptVersionDetailView } from '../api/api-types.ts';
import { formatTime } from '../lib/format.ts';
import { describeTargets, labelsOf } from '../lib/prompt-labels.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { ErrorBanner } from './error-banner.tsx';
import { PromptLabels } from './prompt-labels.tsx';
import { PromptStatsTable } from './prompt-stats-table.tsx';
import { PromptVersionForm, type PromptDraft } from './prompt-version-form.tsx';
import { PromptVersionView } from './prompt-version-view.tsx';

const short = (sha256: string): string => sha256.slice(0, 12);

/**
 * One prompt: its versions (a selected one's template shown), labels, label history and traffic
 * by version. Writers also get the label actions and a form for a new version, which can start
 * from the selected version.
 */
export function PromptDetail({
  promptId,
  canWrite,
}: {
  readonly promptId: string;
  readonly canWrite: boolean;
}) {
  const base = `/admin/prompts/${encodeURIComponent(promptId)}`;
  const detail = useApiData<PromptDetailView>(base);
  const [selected, setSelected] = useState<number | undefined>();
  const version = useApiData<PromptVersionDetailView>(
    selected === undefined ? undefined : `${base}/versions/${selected}`,
  );
  // A new key remounts the form, so "Start from" replaces whatever was typed.
  const [draft, setDraft] = useState<{ key: number; draft?: PromptDraft }>({ key: 0 });
  const prompt = detail.data;
  const numbers = prompt?.versions.map((entry) => entry.version) ?? [];
  const shown = version.data?.version === selected ? version.data : undefined;

  return (
    <>
      <ErrorBanner message={detail.error} />
      {prompt === undefined ? null : (
        <>
          <section className="card" data-testid="prompt-versions">
            <h2>Versions</h2>
            <table className="table compact">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>SHA-256</th>
                  <th>Labels</th>
                  <th>Note</th>
                  <th>Created</th>
                  <th>By</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {prompt.versions.map((entry) => (
                  <tr
                    key={entry.version}
                    data-testid="prompt-version-row"
                    data-version={entry.version}
                  >
                    <td className="mono">v{entry.version}</td>
                    <td className="mono muted">{short(entry.sha256)}</td>
                    <td>{labelsOf(prompt.labels, entry.version).join(', ')}</td>
                    <td>{entry.note}</td>
                    <td>{formatTime(entry.created_at)}</td>
                    <td>{entry.created_by}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() =>
                          setSelected(selected === entry.version ? undefined : entry.version)
                        }
                        aria-pressed={selected === entry.version}
                        data-testid="prompt-version-show"
                      >
                        {selected === entry.version ? 'Hide' : 'Show'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {selected === undefined ? null : (
              <div className="trace-group">
                <ErrorBanner message={version.error} />
                {shown === undefined ? null : (
                  <>
                    <PromptVersionView version={shown} />
                    {canWrite ? (
                      <button
                        type="button"
                        className="button secondary"
                        onClick={() =>
                          setDraft((current) => ({
                            key: current.key + 1,
                            draft: {
                              messages: shown.messages,
                              variables: shown.variables,
                              note: '',
                            },
                          }))
                        }
                        data-testid="prompt-version-start-from"
                      >
                        Start a new version from v{shown.version}
                      </button>
                    ) : null}
                  </>
                )}
              </div>
            )}
          </section>
          <PromptLabels
            promptId={promptId}
            labels={prompt.labels}
            versions={numbers}
            canWrite={canWrite}
            onChanged={detail.reload}
          />
          <PromptStatsTable promptId={promptId} labels={prompt.labels} />
          <section className="card" data-testid="prompt-history">
            <h2>Label history</h2>
            <table className="table compact">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Label</th>
                  <th>Points at</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {prompt.history.map((move) => (
                  <tr key={move.seq} data-testid="prompt-history-row">
                    <td>{formatTime(move.moved_at)}</td>
                    <td className="mono">{move.label}</td>
                    <td>{describeTargets(move.targets)}</td>
                    <td>{move.moved_by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {prompt.history.length === 0 ? <p className="muted">No label has moved.</p> : null}
          </section>
          {canWrite ? (
            <PromptVersionForm
              key={draft.key}
              promptId={promptId}
              {...(draft.draft === undefined ? {} : { draft: draft.draft })}
              onCreated={detail.reload}
            />
          ) : null}
        </>
      )}
    </>
  );
}
