import type { PromptVersionDetailView } from '../api/api-types.ts';
import { formatInteger, formatTime } from '../lib/format.ts';

/** One stored version of a prompt: its messages as written and its declared variables. */
export function PromptVersionView({ version }: { readonly version: PromptVersionDetailView }) {
  const variables = Object.entries(version.variables);
  return (
    <div data-testid="prompt-version-view">
      <p>
        <strong>Version {version.version}</strong>{' '}
        <span className="mono muted">{version.sha256}</span>
        <br />
        <span className="muted small">
          {formatTime(version.created_at)} by {version.created_by}
          {version.note === '' ? '' : ` · ${version.note}`}
        </span>
      </p>
      <h4>Messages</h4>
      {version.messages.map((message, index) => (
        <div className="prompt-message" key={index} data-testid="prompt-version-message">
          <span className="muted small">{message.role}</span>
          <pre className="code">{message.content}</pre>
        </div>
      ))}
      <h4>Variables</h4>
      {variables.length === 0 ? (
        <p className="muted">No variables.</p>
      ) : (
        <table className="table compact" data-testid="prompt-version-variables-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Required</th>
              <th>Default</th>
              <th className="number">Max length</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {variables.map(([name, variable]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td>
                  {variable.type}
                  {variable.values === undefined ? '' : `: ${variable.values.join(', ')}`}
                </td>
                {/* The gateway's default: required unless a default is given. */}
                <td>{(variable.required ?? variable.default === undefined) ? 'yes' : 'no'}</td>
                <td className="mono">
                  {variable.default === undefined ? '–' : JSON.stringify(variable.default)}
                </td>
                <td className="number">
                  {variable.type === 'string' ? formatInteger(variable.max_length ?? 32768) : '–'}
                </td>
                <td>{variable.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
