import { useState } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { BudgetView, ListOf } from '../api/api-types.ts';
import { BudgetCreateForm } from '../components/budget-create-form.tsx';
import { BudgetEditForm } from '../components/budget-edit-form.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { UtilisationBar } from '../components/utilisation-bar.tsx';
import { formatTime, formatUsd } from '../lib/format.ts';
import { messageOf, useApiData } from '../lib/use-api-data.ts';

/**
 * Each budget in force with one line per value it tracks (a key, team, org…) and its
 * utilisation. Budgets made through the API can be created, edited and revoked here (platform
 * admins); configured ones are read-only, changed in the configuration file.
 */
export function BudgetsPage() {
  const budgets = useApiData<ListOf<BudgetView>>('/admin/budgets');
  const list = budgets.data?.data ?? [];
  const [editing, setEditing] = useState<string | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  // Two clicks rather than window.confirm: a native dialog blocks the page and browser tests.
  const [confirming, setConfirming] = useState<string | undefined>();

  const revoke = (id: string): void => {
    setConfirming(undefined);
    setActionError(undefined);
    apiRequest('DELETE', `/admin/budgets/${encodeURIComponent(id)}`)
      .then(budgets.reload)
      .catch((thrown: unknown) => setActionError(messageOf(thrown)));
  };

  return (
    <>
      <PageHeader title="Budgets" subtitle="Spend against limits in the current period" />
      <ErrorBanner message={budgets.error} />
      <ErrorBanner message={actionError} />
      <BudgetCreateForm onCreated={budgets.reload} />
      {list.length === 0 && !budgets.loading ? (
        <p className="muted">No budgets are in force.</p>
      ) : null}
      {list.map((budget, index) => {
        const id = budget.id;
        return (
          <section
            className="card"
            key={id ?? `config-${budget.scope}-${index}`}
            data-testid="budget-card"
            data-budget-id={id}
            data-budget-source={budget.source}
          >
            <h2>
              {budget.scope}{' '}
              <span className="muted">
                · {formatUsd(budget.usd)} per {budget.period} · {budget.mode}
              </span>{' '}
              {budget.source === 'config' ? (
                <StatusPill tone="neutral">from configuration</StatusPill>
              ) : null}
            </h2>
            {budget.match === null || budget.match === undefined ? null : (
              <p className="muted mono small">match {JSON.stringify(budget.match)}</p>
            )}
            {id === undefined ? null : (
              <div className="actions" data-testid="budget-actions">
                <span className="muted small mono">{id}</span>{' '}
                {budget.updated_by === undefined ? null : (
                  <span className="muted small">
                    changed {formatTime(budget.updated_at)} by {budget.updated_by}{' '}
                  </span>
                )}
                {editing === id ? (
                  <BudgetEditForm
                    budget={{ ...budget, id }}
                    onSaved={() => {
                      setEditing(undefined);
                      budgets.reload();
                    }}
                    onCancel={() => setEditing(undefined)}
                  />
                ) : (
                  <>
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => setEditing(id)}
                      data-testid="budget-edit"
                    >
                      Edit
                    </button>{' '}
                    {confirming === id ? (
                      <button
                        type="button"
                        className="button danger small"
                        onClick={() => revoke(id)}
                        data-testid="budget-revoke-confirm"
                      >
                        Confirm revoke
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button danger-outline small"
                        onClick={() => setConfirming(id)}
                        data-testid="budget-revoke"
                      >
                        Revoke
                      </button>
                    )}
                  </>
                )}
              </div>
            )}
            <table className="table compact">
              <thead>
                <tr>
                  <th>Value</th>
                  <th className="number">Spent</th>
                  <th className="number">Reserved</th>
                  <th className="wide">Utilisation</th>
                  <th>Period start</th>
                </tr>
              </thead>
              <tbody>
                {budget.lines.map((line) => (
                  <tr key={line.value} data-testid="budget-line">
                    <td>{line.value}</td>
                    <td className="number">{formatUsd(line.spent_usd)}</td>
                    <td className="number">{formatUsd(line.reserved_usd)}</td>
                    <td>
                      <UtilisationBar value={line.utilisation} />
                    </td>
                    <td>{formatTime(line.period_start)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {budget.lines.length === 0 ? (
              <p className="muted">Nothing spent against it yet.</p>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
