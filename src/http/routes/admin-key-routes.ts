import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { findTagProblem, teamPattern, teamRule } from '../../gateway/gateway.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { Route } from '../router.ts';
import { readRequestBody } from '../read-request-body.ts';
import type { RouteHandler } from './route-handler.ts';

const createKeySchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  models: z.array(z.string().min(1).max(256)).max(1000).nullable().optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  team: z.string().regex(teamPattern, teamRule).nullable().optional(),
  tags: z
    .array(z.string())
    .optional()
    .superRefine((tags, context) => {
      const problem = tags === undefined ? undefined : findTagProblem(tags);
      if (problem !== undefined) {
        context.addIssue({
          code: 'custom',
          message: problem.message,
          path: problem.index === undefined ? [] : [problem.index],
        });
      }
    }),
});

/** A field's path as clients write it: `tags[2]`, `models[0]`, like the gateway's own errors. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${String(segment)}]`
        : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function firstIssue(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  const param = issue === undefined ? '(body)' : formatPath(issue.path) || '(body)';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s): ${issue.keys.join(', ')}`
      : (issue?.message ?? 'invalid');
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail: `\`${param}\` ${message}.` });
}

const createKey: RouteHandler = async (exchange, dependencies) => {
  const text = await readRequestBody(exchange.request, 64 * 1024);
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID_JSON', { detail: `(${parsed.message})` });
  }
  const input = createKeySchema.safeParse(parsed.value);
  if (!input.success) {
    throw firstIssue(input.error);
  }
  let expiresAt: number | null = null;
  if (input.data.expires_at !== undefined && input.data.expires_at !== null) {
    expiresAt = Date.parse(input.data.expires_at);
    if (expiresAt <= exchange.clock.now()) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'expires_at',
        detail: '`expires_at` must be in the future.',
      });
    }
  }
  const created = await dependencies.gateway.keys.create({
    name: input.data.name,
    models: input.data.models ?? null,
    expiresAt,
    team: input.data.team ?? null,
    tags: input.data.tags ?? [],
  });
  exchange.sendJson(201, { ...created.view, key: created.key });
  return { status: 201, outcome: 'completed' };
};

const listKeys: RouteHandler = async (exchange, dependencies) => {
  const includeRevoked = new URLSearchParams(exchange.query).get('include_revoked') === 'true';
  exchange.sendJson(200, {
    object: 'list',
    data: await dependencies.gateway.keys.list(includeRevoked),
  });
  return { status: 200, outcome: 'completed' };
};

const getKey: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.keys.get(exchange.params.id ?? '');
  if (view === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'id' });
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const revokeKey: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.keys.revoke(exchange.params.id ?? '');
  if (view === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'id' });
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

/** Virtual key administration under `/admin/keys`; admin keys only. */
export const adminKeyRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/keys', access: 'admin', handler: createKey },
  { method: 'GET', path: '/admin/keys', access: 'admin', handler: listKeys },
  { method: 'GET', path: '/admin/keys/:id', access: 'admin', handler: getKey },
  { method: 'DELETE', path: '/admin/keys/:id', access: 'admin', handler: revokeKey },
];
