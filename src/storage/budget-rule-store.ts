import type { BudgetScope } from './ports.ts';

/** A budget created through the admin API (`budget_rules`); revoked rows are kept for history. */
export interface StoredBudgetRule {
  /** `bud_<random>`. */
  readonly id: string;
  readonly scope: BudgetScope;
  readonly match: string | null;
  /** In nano-dollars (1e-9 USD): an integer, so no float drift between writes. */
  readonly limitNanos: number;
  readonly period: 'day' | 'week' | 'month' | 'total';
  readonly hard: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
}

/** What an edit may change: the limit and the mode, never what a budget counts. */
export interface StoredBudgetRuleChange {
  readonly limitNanos?: number | undefined;
  readonly hard?: boolean | undefined;
}

/**
 * Where budgets made through the admin API live. Shared by every process and replica on one
 * state database; rows are never deleted (revoking sets `revokedAt`).
 */
export interface BudgetRuleStore {
  /** Stores a new rule; rejects when the id is taken. */
  insert(rule: StoredBudgetRule): Promise<void>;
  find(id: string): Promise<StoredBudgetRule | undefined>;
  /** Every rule, revoked ones included, oldest first. */
  list(): Promise<StoredBudgetRule[]>;
  /** Rules not revoked, oldest first (what is in force). */
  listActive(): Promise<StoredBudgetRule[]>;
  /**
   * Changes an active rule; resolves the rule after the change, or undefined when there is no
   * active rule with this id (unknown or revoked).
   */
  update(
    id: string,
    change: StoredBudgetRuleChange,
    at: number,
    by: string,
  ): Promise<StoredBudgetRule | undefined>;
  /** Revokes an active rule; resolves it revoked, or undefined when no active rule has this id. */
  revoke(id: string, at: number, by: string): Promise<StoredBudgetRule | undefined>;
}
