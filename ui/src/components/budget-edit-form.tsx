import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { BudgetMode, BudgetView } from '../api/api-types.ts';
import { messageOf } from '../lib/use-api-data.ts';

/** Changes an API budget's limit and mode (PATCH /admin/budgets/:id). */
export function BudgetEditForm({
  budget,
  onSaved,
  onCancel,
}: {
  readonly budget: BudgetView & { readonly id: string };
  readonly onSaved: () => void;
  readonly onCancel: () => void;
}) {
  const [usd, setUsd] = useState(String(budget.usd));
  const [mode, setMode] = useState<BudgetMode>(budget.mode === 'soft' ? 'soft' : 'hard');
  const [error, setError] = useState<string | undefined>();

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setError(undefined);
    const amount = Number(usd);
    if (usd.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
      setError('The limit must be a positive amount in US dollars.');
      return;
    }
    apiRequest('PATCH', `/admin/budgets/${encodeURIComponent(budget.id)}`, { usd: amount, mode })
      .then(onSaved)
      .catch((thrown: unknown) => setError(messageOf(thrown)));
  };

  return (
    <form className="inline-form" onSubmit={submit} data-testid="budget-edit-form">
      <input
        type="number"
        inputMode="decimal"
        min="0"
        step="any"
        value={usd}
        onChange={(event) => setUsd(event.target.value)}
        aria-label="Limit (USD)"
        required
        data-testid="budget-edit-usd"
      />
      <select
        value={mode}
        onChange={(event) => setMode(event.target.value as BudgetMode)}
        aria-label="Mode"
        data-testid="budget-edit-mode"
      >
        <option>hard</option>
        <option>soft</option>
      </select>
      <button type="submit" className="button" data-testid="budget-edit-save">
        Save
      </button>
      <button type="button" className="button secondary" onClick={onCancel}>
        Cancel
      </button>
      {error === undefined ? null : (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
