import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  maxRequestLogBuckets,
  type RequestLogAccess,
  type RequestLogQueryFilter,
} from '../../gateway/request-log-access.ts';
import { hasControlCharacter } from '../../lib/control-characters.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { HttpDependencies } from '../http-dependencies.ts';
import type { Route } from '../router.ts';
import { callerOf, firstIssue, notFound, readAdminQuery } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

/** A date (`2026-11-01`, midnight UTC) or an instant with its offset. */
export const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
/** Filter values are data for a bound parameter; printable text only. */
const textSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
  .optional();

const searchSchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  key_id: textSchema,
  org: textSchema,
  team: textSchema,
  model: textSchema,
  deployment: textSchema,
  status: z.coerce.number().int().min(100).max(599).optional(),
  outcome: z.enum(['completed', 'rejected', 'upstream-error', 'client-closed']).optional(),
  error_code: textSchema,
  request_id: textSchema,
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(512).optional(),
});

const statsSchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  bucket: z.enum(['minute', 'hour', 'day']).optional(),
});

const dayMs = 86_400_000;

/** The request log, or a 404 that says it is off. */
export function requestLogOf(dependencies: HttpDependencies): RequestLogAccess {
  if (dependencies.requestLog === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      param: '(path)',
      detail: 'The request log is off (request_log.enabled is false in the configuration).',
    });
  }
  return dependencies.requestLog;
}

/** A cursor is opaque to clients: base64url of `[at, request id]` of the last row seen. */
function encodeCursor(cursor: { at: number; requestId: string }): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.requestId])).toString('base64url');
}

function decodeCursor(text: string): { at: number; requestId: string } {
  const parsed = safeParseJson(Buffer.from(text, 'base64url').toString('utf8'));
  if (parsed.ok && Array.isArray(parsed.value) && parsed.value.length === 2) {
    const [at, requestId] = parsed.value as unknown[];
    if (Number.isSafeInteger(at) && typeof requestId === 'string' && requestId.length > 0) {
      return { at: at as number, requestId };
    }
  }
  throw new GatewayError('SB_ERR_REQUEST_INVALID', {
    param: 'cursor',
    detail: '`cursor` is not one this API returned; pass `next_cursor` from the previous page.',
  });
}

/** Milliseconds of `from` and `to` (`to` exclusive), refusing a range that ends before it starts. */
export function rangeOf(
  query: { from?: string | undefined; to?: string | undefined },
  nowMs: number,
  defaultFromMs: number | undefined,
): { fromMs: number | undefined; toMs: number | undefined } {
  const fromMs = query.from === undefined ? defaultFromMs : Date.parse(query.from);
  const toMs = query.to === undefined ? undefined : Date.parse(query.to);
  if (fromMs !== undefined && fromMs >= (toMs ?? nowMs + 1)) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'from',
      detail: '`from` must be before `to`.',
    });
  }
  return { fromMs, toMs };
}

const searchRequests: RouteHandler = async (exchange, dependencies) => {
  const requestLog = requestLogOf(dependencies);
  const parsed = searchSchema.safeParse(readAdminQuery(exchange, Object.keys(searchSchema.shape)));
  if (!parsed.success) throw firstIssue(parsed.error);
  const query = parsed.data;
  const { fromMs, toMs } = rangeOf(query, exchange.clock.now(), undefined);
  const filter: RequestLogQueryFilter = Object.fromEntries(
    Object.entries({
      fromMs,
      toMs,
      keyId: query.key_id,
      org: query.org,
      team: query.team,
      model: query.model,
      deployment: query.deployment,
      status: query.status,
      outcome: query.outcome,
      errorCode: query.error_code,
      requestId: query.request_id,
    }).filter(([, value]) => value !== undefined),
  );
  const page = await requestLog.search(
    callerOf(exchange),
    filter,
    query.limit ?? 50,
    query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  );
  exchange.sendJson(200, {
    data: page.data,
    next_cursor: page.next === undefined ? null : encodeCursor(page.next),
  });
  return { status: 200, outcome: 'completed' };
};

const requestStats: RouteHandler = async (exchange, dependencies) => {
  const requestLog = requestLogOf(dependencies);
  const parsed = statsSchema.safeParse(readAdminQuery(exchange, ['from', 'to', 'bucket']));
  if (!parsed.success) throw firstIssue(parsed.error);
  const nowMs = exchange.clock.now();
  const { fromMs = nowMs - dayMs, toMs = nowMs + 1 } = rangeOf(parsed.data, nowMs, nowMs - dayMs);
  // Hours unless that would be too many buckets; a client wanting minutes asks for them.
  const bucket =
    parsed.data.bucket ?? ((toMs - fromMs) / 3_600_000 < maxRequestLogBuckets - 1 ? 'hour' : 'day');
  const stats = await requestLog.stats(callerOf(exchange), { fromMs, toMs }, bucket);
  exchange.sendJson(200, stats);
  return { status: 200, outcome: 'completed' };
};

const getRequest: RouteHandler = async (exchange, dependencies) => {
  const requestLog = requestLogOf(dependencies);
  const id = exchange.params.id;
  if (id === undefined) notFound();
  const found = await requestLog.get(callerOf(exchange), id);
  if (found === undefined) notFound();
  exchange.sendJson(200, found);
  return { status: 200, outcome: 'completed' };
};

/**
 * The request log (docs/request-log.md): `GET /admin/requests` searches it newest first with
 * keyset pagination, `GET /admin/requests/stats` reports totals, a series and top models (last
 * 24 h by default), `GET /admin/requests/:id` shows one request with its decision trace and the
 * audit seq of its kept payload. All scoped like `GET /admin/spend`. The literal `stats` route
 * wins over `:id` (the router matches literal paths first).
 */
export const adminRequestLogRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/requests', access: 'tenant', handler: searchRequests },
  { method: 'GET', path: '/admin/requests/stats', access: 'tenant', handler: requestStats },
  { method: 'GET', path: '/admin/requests/:id', access: 'tenant', handler: getRequest },
];
