import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type {
  BudgetCreateRequest,
  BudgetMode,
  BudgetPeriod,
  BudgetScope,
  StoredBudget,
} from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

const scopes: readonly BudgetScope[] = ['key', 'user', 'team', 'org', 'tag', 'model'];
const periods: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];
const modes: readonly BudgetMode[] = ['hard', 'soft'];

/** Creates a budget (POST /admin/budgets); platform admins only, the gateway says otherwise. */
export function BudgetCreateForm({
  onCreated,
}: {
  readonly onCreated: (budget: StoredBudget) => void;
}) {
  const [scope, setScope] = useState<BudgetScope>('key');
  const [match, setMatch] = useState('');
  const [usd, setUsd] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [mode, setMode] = useState<BudgetMode>('hard');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    const amount = Number(usd);
    if (usd.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
      setError('The limit must be a positive amount in US dollars.');
      return;
    }
    const body: BudgetCreateRequest = {
      scope,
      usd: amount,
      period,
      mode,
      ...(match.trim() === '' ? {} : { match: match.trim() }),
    };
    setBusy(true);
    apiRequest<StoredBudget>('POST', '/admin/budgets', body)
      .then((answer) => {
        setMatch('');
        setUsd('');
        onCreated(answer.body);
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="card form-grid" onSubmit={submit} data-testid="budget-create-form">
      <h2>New budget</h2>
      <label>
        Scope
        <select
          value={scope}
          onChange={(event) => setScope(event.target.value as BudgetScope)}
          data-testid="budget-create-scope"
        >
          {scopes.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <label>
        Match
        <input
          placeholder="every one, each separately"
          value={match}
          onChange={(event) => setMatch(event.target.value)}
          maxLength={256}
          data-testid="budget-create-match"
        />
      </label>
      <label>
        Limit (USD)
        <input
          type="number"
          inputMode="decimal"
          min="0"
          step="any"
          placeholder="25"
          value={usd}
          onChange={(event) => setUsd(event.target.value)}
          required
          data-testid="budget-create-usd"
        />
      </label>
      <label>
        Period
        <select
          value={period}
          onChange={(event) => setPeriod(event.target.value as BudgetPeriod)}
          data-testid="budget-create-period"
        >
          {periods.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <label>
        Mode
        <select
          value={mode}
          onChange={(event) => setMode(event.target.value as BudgetMode)}
          data-testid="budget-create-mode"
        >
          {modes.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
      </label>
      <div className="full">
        <button type="submit" className="button" disabled={busy} data-testid="budget-create-submit">
          Create budget
        </button>
        {error === undefined ? null : (
          <span className="error-text" role="alert">
            {' '}
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
