import { z } from 'zod';

/** One entry of `budgets:`: how much a key, user, team, organisation, tag or model may spend. */
export const budgetSchema = z
  .strictObject({
    scope: z
      .enum(['key', 'user', 'team', 'org', 'tag', 'model'])
      .describe(
        'What the budget counts: each key, user, team, organisation, tag, or requested model.',
      ),
    match: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Only this key id, user, team, organisation, tag or model. Default: every one, each separately.',
      ),
    usd: z
      .number()
      .positive()
      .max(1_000_000_000)
      .describe('The most that may be spent per period, in US dollars at list price.'),
    period: z
      .enum(['day', 'week', 'month', 'total'])
      .describe('When spend starts again from zero: UTC day, ISO week, UTC month, or never.'),
    mode: z
      .enum(['hard', 'soft'])
      .optional()
      .describe(
        'hard (default): requests that could exceed it are refused, and output is limited to what is left. soft: only counted and alerted on.',
      ),
  })
  .describe('A spending budget.');

export type BudgetEntry = z.infer<typeof budgetSchema>;

/** Adds one issue per budget with the same scope, match and period as an earlier one. */
export function checkBudgets(budgets: readonly BudgetEntry[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  budgets.forEach((budget, index) => {
    const identity = `${budget.scope} ${budget.match ?? '*'} ${budget.period}`;
    if (seen.has(identity)) {
      context.addIssue({
        code: 'custom',
        path: ['budgets', index, 'match'],
        message: 'another budget has the same scope, match and period; merge them',
      });
    }
    seen.add(identity);
  });
}
