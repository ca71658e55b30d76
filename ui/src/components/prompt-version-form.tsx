import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type {
  CreatedPromptVersion,
  PromptMessage,
  PromptMessageRole,
  PromptVersionRequest,
} from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

const roles: readonly PromptMessageRole[] = ['system', 'user', 'assistant'];

/** What the form starts from: empty, or a copy of an existing version to edit. */
export interface PromptDraft {
  readonly messages: readonly PromptMessage[];
  readonly variables: unknown;
  readonly note: string;
}

const emptyDraft: PromptDraft = {
  messages: [
    { role: 'system', content: '' },
    { role: 'user', content: '' },
  ],
  variables: {},
  note: '',
};

/**
 * Stores a new version of a prompt (POST /admin/prompts/:id/versions). Without `promptId` it
 * asks for the id, which creates the prompt. The gateway checks the template; its answer (every
 * problem at once) is shown as sent. Posting the newest version's content again stores nothing.
 */
export function PromptVersionForm({
  promptId,
  draft = emptyDraft,
  onCreated,
}: {
  readonly promptId?: string;
  readonly draft?: PromptDraft;
  readonly onCreated: (version: CreatedPromptVersion) => void;
}) {
  const [id, setId] = useState('');
  const [messages, setMessages] = useState<readonly PromptMessage[]>(draft.messages);
  const [variables, setVariables] = useState(() => JSON.stringify(draft.variables, null, 2));
  const [note, setNote] = useState(draft.note);
  const [error, setError] = useState<string | undefined>();
  const [result, setResult] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const setMessage = (index: number, change: Partial<PromptMessage>): void =>
    setMessages((rows) => rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    setResult(undefined);
    const target = promptId ?? id.trim();
    let parsed: unknown;
    try {
      parsed = variables.trim() === '' ? {} : JSON.parse(variables);
    } catch (thrown) {
      setError(`Variables are not valid JSON: ${messageOf(thrown)}`);
      return;
    }
    const body: PromptVersionRequest = {
      messages,
      variables: parsed,
      ...(note.trim() === '' ? {} : { note: note.trim() }),
    };
    setBusy(true);
    apiRequest<CreatedPromptVersion>(
      'POST',
      `/admin/prompts/${encodeURIComponent(target)}/versions`,
      body,
    )
      .then((answer) => {
        const version = answer.body;
        setResult(
          version.created
            ? `Stored version ${version.version}.`
            : `Same as the newest version (${version.version}); nothing stored.`,
        );
        if (promptId === undefined) setId('');
        onCreated(version);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="card form-grid" onSubmit={submit} data-testid="prompt-version-form">
      <h2>{promptId === undefined ? 'New prompt' : 'New version'}</h2>
      {promptId === undefined ? (
        <label>
          Prompt id
          <input
            placeholder="support-answer"
            value={id}
            onChange={(event) => setId(event.target.value)}
            pattern="[a-z0-9][a-z0-9._\-]{0,63}"
            title="Lowercase letters, digits, '.', '_' and '-'; at most 64."
            required
            data-testid="prompt-version-id"
          />
        </label>
      ) : null}
      <label className={promptId === undefined ? undefined : 'full'}>
        Note
        <input
          placeholder="what changed"
          value={note}
          onChange={(event) => setNote(event.target.value)}
          data-testid="prompt-version-note"
        />
      </label>
      <div className="full message-rows">
        {messages.map((message, index) => (
          <div className="message-row" key={index} data-testid="prompt-message-row">
            <select
              value={message.role}
              onChange={(event) =>
                setMessage(index, { role: event.target.value as PromptMessageRole })
              }
              aria-label={`Message ${index + 1} role`}
            >
              {roles.map((role) => (
                <option key={role}>{role}</option>
              ))}
            </select>
            <textarea
              rows={3}
              value={message.content}
              onChange={(event) => setMessage(index, { content: event.target.value })}
              placeholder="Text; {{ name }} inserts a variable"
              aria-label={`Message ${index + 1} content`}
              data-testid="prompt-message-content"
            />
            <button
              type="button"
              className="button secondary small"
              onClick={() => setMessages((rows) => rows.filter((_, at) => at !== index))}
              disabled={messages.length === 1}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button secondary small"
          onClick={() => setMessages((rows) => [...rows, { role: 'user', content: '' }])}
          data-testid="prompt-message-add"
        >
          Add message
        </button>
      </div>
      <label className="full">
        Variables (JSON)
        <textarea
          className="mono"
          rows={6}
          value={variables}
          onChange={(event) => setVariables(event.target.value)}
          spellCheck={false}
          data-testid="prompt-version-variables"
        />
      </label>
      <div className="full">
        <button
          type="submit"
          className="button"
          disabled={busy}
          data-testid="prompt-version-submit"
        >
          Store version
        </button>
        {result === undefined ? null : (
          <span className="muted small" role="status" data-testid="prompt-version-result">
            {' '}
            {result}
          </span>
        )}
      </div>
      {error === undefined ? null : (
        <p className="error-banner" role="alert" data-testid="prompt-version-error">
          {error}
        </p>
      )}
    </form>
  );
}
