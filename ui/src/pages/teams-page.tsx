import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { ListOf, SessionView, TeamView } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { TeamRow } from '../components/team-row.tsx';
import { messageOf, useApiData } from '../lib/use-api-data.ts';

/** Teams the caller may see: list, create, rename. */
export function TeamsPage({ session }: { readonly session: SessionView }) {
  const teams = useApiData<ListOf<TeamView>>('/admin/teams');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [org, setOrg] = useState('');
  const [error, setError] = useState<string | undefined>();

  const create = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    apiRequest('POST', '/admin/teams', {
      id: id.trim(),
      name: name.trim(),
      ...(org.trim() === '' ? {} : { org: org.trim() }),
    })
      .then(() => {
        setId('');
        setName('');
        teams.reload();
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)));
  };

  return (
    <>
      <PageHeader title="Teams" subtitle="Groups of users and keys within an organisation" />
      <form className="card inline-form" onSubmit={create} data-testid="team-create-form">
        <input
          placeholder="id (e.g. search)"
          value={id}
          onChange={(event) => setId(event.target.value)}
          required
          data-testid="team-create-id"
        />
        <input
          placeholder="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          data-testid="team-create-name"
        />
        {session.caller.platform ? (
          <input
            placeholder="Organisation (optional)"
            value={org}
            onChange={(event) => setOrg(event.target.value)}
          />
        ) : null}
        <button type="submit" className="button" data-testid="team-create-submit">
          Create team
        </button>
      </form>
      <ErrorBanner message={teams.error ?? error} />
      <div className="card table-card">
        <table className="table" data-testid="team-table">
          <thead>
            <tr>
              <th>Id</th>
              <th>Name</th>
              <th>Organisation</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(teams.data?.data ?? []).map((team) => (
              <TeamRow key={`${team.org}/${team.id}`} team={team} onChanged={teams.reload} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
