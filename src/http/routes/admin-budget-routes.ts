import { budgetSchema } from '../../config/budget-schema.ts';
import type { Route } from '../router.ts';
import { callerOf, readAdminBody } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

// A new budget takes exactly the fields of a `budgets:` entry in the configuration file.
const createBudgetSchema = budgetSchema;

// An edit changes the limit or the mode; what a budget counts (scope, match, period) is fixed.
const updateBudgetSchema = budgetSchema
  .pick({ usd: true, mode: true })
  .partial()
  .refine((change) => change.usd !== undefined || change.mode !== undefined, {
    message: 'must change `usd`, `mode` or both',
  });

const idParam = (params: Readonly<Record<string, string>>): string => params.id ?? '';

/** `POST /admin/budgets`: a new budget, in force on every replica within about a second. */
const createBudget: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, createBudgetSchema);
  const view = await dependencies.gateway.budgets.create(input, callerOf(exchange).agent);
  exchange.sendJson(201, view);
  return { status: 201, outcome: 'completed' };
};

/** `PATCH /admin/budgets/:id`: a new limit or mode for a budget made through the API. */
const updateBudget: RouteHandler = async (exchange, dependencies) => {
  const change = await readAdminBody(exchange, updateBudgetSchema);
  const view = await dependencies.gateway.budgets.update(
    idParam(exchange.params),
    change,
    callerOf(exchange).agent,
  );
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

/** `DELETE /admin/budgets/:id`: revokes the budget; the row stays for history. */
const revokeBudget: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.budgets.revoke(
    idParam(exchange.params),
    callerOf(exchange).agent,
  );
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

/**
 * Budget administration: platform admins create, change and revoke budgets; the budgets in
 * force are the configured ones plus these. Organisation admins read them through
 * `GET /admin/budgets` but cannot write them yet. Every write is audited as an admin action.
 */
export const adminBudgetRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/budgets', access: 'admin', handler: createBudget },
  { method: 'PATCH', path: '/admin/budgets/:id', access: 'admin', handler: updateBudget },
  { method: 'DELETE', path: '/admin/budgets/:id', access: 'admin', handler: revokeBudget },
];
