import { useState, type SyntheticEvent } from 'react';
import { apiRequest, queryString } from '../api/api-client.ts';
import type { TeamView } from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

/** One team, renamed in place (PATCH /admin/teams/:id). */
export function TeamRow({
  team,
  onChanged,
}: {
  readonly team: TeamView;
  readonly onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(team.name);
  const [error, setError] = useState<string | undefined>();

  const save = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    apiRequest(
      'PATCH',
      `/admin/teams/${encodeURIComponent(team.id)}${queryString({ org: team.org })}`,
      {
        name: name.trim(),
      },
    )
      .then(() => {
        setEditing(false);
        onChanged();
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)));
  };

  return (
    <tr data-testid="team-row">
      <td className="mono">{team.id}</td>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={save}>
            <input
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-label="Team name"
              required
            />
            <button type="submit" className="button small">
              Save
            </button>
            <button
              type="button"
              className="button secondary small"
              onClick={() => setEditing(false)}
            >
              Cancel
            </button>
            {error === undefined ? null : <span className="error-text">{error}</span>}
          </form>
        ) : (
          team.name
        )}
      </td>
      <td>{team.org}</td>
      <td className="actions">
        {editing ? null : (
          <button
            type="button"
            className="button secondary small"
            onClick={() => setEditing(true)}
            data-testid="team-rename"
          >
            Rename
          </button>
        )}
      </td>
    </tr>
  );
}
