import { z } from 'zod';
import { hasControlCharacter } from '../../lib/control-characters.ts';
import type { SpendReportRequest } from '../../gateway/gateway.ts';
import type { HttpExchange } from '../http-exchange.ts';
import type { Route } from '../router.ts';
import { callerOf, firstIssue, readAdminQuery } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

const groupings = ['key', 'user', 'team', 'org', 'model', 'day'] as const;
const filterNames = ['key', 'user', 'team', 'org', 'model'] as const;

/** A date (`2026-11-01`, midnight UTC) or an instant with its offset. */
const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
/** Filter values are data for a bound parameter; printable text only, so reports stay legible. */
const filterSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
  .optional();

const querySchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  group_by: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return [];
      const names = value.split(',');
      const unknown = names.find((name) => !(groupings as readonly string[]).includes(name));
      if (unknown !== undefined) {
        context.addIssue({
          code: 'custom',
          message: `cannot group by \`${unknown}\`; use ${groupings.join(', ')}`,
        });
        return z.NEVER;
      }
      if (new Set(names).size !== names.length) {
        context.addIssue({ code: 'custom', message: 'must not repeat a grouping' });
        return z.NEVER;
      }
      return names as (typeof groupings)[number][];
    }),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  key: filterSchema,
  user: filterSchema,
  team: filterSchema,
  org: filterSchema,
  model: filterSchema,
});

/** The first millisecond of the current UTC month. */
function monthStart(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
}

/** The report a `GET /admin/spend`-style query asks for (also `GET /admin/routing/savings`). */
export function readSpendQuery(exchange: HttpExchange): SpendReportRequest {
  const raw = readAdminQuery(exchange, ['from', 'to', 'group_by', 'limit', ...filterNames]);
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) {
    throw firstIssue(parsed.error);
  }
  const query = parsed.data;
  const nowMs = exchange.clock.now();
  const fromMs = query.from === undefined ? monthStart(nowMs) : Date.parse(query.from);
  const toMs = query.to === undefined ? nowMs + 1 : Date.parse(query.to);
  const filters = Object.fromEntries(
    filterNames.flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]]])),
  );
  return { fromMs, toMs, groupBy: query.group_by, filters, limit: query.limit ?? 1000 };
}

const reportSpend: RouteHandler = async (exchange, dependencies) => {
  const report = await dependencies.gateway.reportSpend(
    callerOf(exchange),
    readSpendQuery(exchange),
  );
  exchange.sendJson(200, report);
  return { status: 200, outcome: 'completed' };
};

/**
 * `GET /admin/budgets`: every configured budget with its counters in the current period (spent,
 * reserved by requests in flight, utilisation), scoped to what the caller may see.
 */
const reportBudgets: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  const data = await dependencies.gateway.reportBudgets(callerOf(exchange));
  exchange.sendJson(200, { data });
  return { status: 200, outcome: 'completed' };
};

/**
 * `GET /admin/spend`: spend from the ledger between `from` (default: the start of this UTC month)
 * and `to` (exclusive; default now), grouped by any of key, user, team, org, model and day, and
 * filtered by exact key, user, team, org or model. Scoped to what the caller may see.
 */
export const adminSpendRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/spend', access: 'tenant', handler: reportSpend },
  { method: 'GET', path: '/admin/budgets', access: 'tenant', handler: reportBudgets },
];
