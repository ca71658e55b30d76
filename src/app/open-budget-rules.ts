import { z } from 'zod';
import { budgetSchema, checkBudgets } from '../config/budget-schema.ts';
import type { Clock } from '../lib/clock.ts';
import { BudgetRuleService, type BudgetSetCheck } from '../pipeline/budgets/budget-rule-service.ts';
import type { BudgetRule } from '../pipeline/budgets/plan-budget-lines.ts';
import { SqlBudgetRuleStore } from '../storage/sql/sql-budget-rule-store.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';

// The same schema and rules as `budgets:` in the configuration file, applied to the whole set.
const budgetSetSchema = z.array(budgetSchema).superRefine((budgets, context) => {
  checkBudgets(budgets, context);
});

/** Checks configured plus API budgets together with the configuration file's rules. */
export const checkBudgetSet: BudgetSetCheck = (budgets) => {
  const result = budgetSetSchema.safeParse(budgets);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return issue?.message ?? 'the budget is not valid';
};

/**
 * The budgets in force for a gateway: configured ones from `configured()` plus those made
 * through the admin API, stored in the state database (`budget_rules`) shared by every replica.
 * Loaded once before the gateway serves; the caller refreshes it about once a second.
 */
export async function openBudgetRules(
  database: SqlDatabase,
  clock: Clock,
  configured: () => readonly BudgetRule[],
): Promise<BudgetRuleService> {
  const service = new BudgetRuleService({
    store: new SqlBudgetRuleStore(database),
    clock,
    configured,
    check: checkBudgetSet,
  });
  await service.refresh();
  return service;
}
