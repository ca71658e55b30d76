import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Route } from '../router.ts';
import { callerOf, notFound, readAdminBody, readAdminQuery } from './admin-json-body.ts';
import { createKeySchema, updateKeySchema } from './admin-key-schemas.ts';
import type { RouteHandler } from './route-handler.ts';

/** An `expires_at` as milliseconds: absent stays absent, null stays null, else in the future. */
function readExpiry(value: string | null | undefined, clock: Clock): number | null | undefined {
  if (value === undefined || value === null) {
    return value;
  }
  const expiresAt = Date.parse(value);
  if (expiresAt <= clock.now()) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'expires_at',
      detail: '`expires_at` must be in the future.',
    });
  }
  return expiresAt;
}

const createKey: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, createKeySchema);
  const created = await dependencies.gateway.keys.create(callerOf(exchange), {
    name: input.name,
    models: input.models,
    routes: input.routes,
    maxOutputTokens: input.max_output_tokens,
    expiresAt: readExpiry(input.expires_at, exchange.clock),
    team: input.team,
    tags: input.tags,
    role: input.role,
    owner: input.owner,
    metadata: input.metadata,
    org: input.org,
  });
  exchange.sendJson(201, { ...created.view, key: created.key });
  return { status: 201, outcome: 'completed' };
};

const listKeys: RouteHandler = async (exchange, dependencies) => {
  const query = readAdminQuery(exchange, ['include_revoked', 'org', 'team', 'owner']);
  exchange.sendJson(200, {
    object: 'list',
    data: await dependencies.gateway.keys.list(callerOf(exchange), {
      includeRevoked: query.include_revoked === 'true',
      org: query.org,
      team: query.team,
      owner: query.owner,
    }),
  });
  return { status: 200, outcome: 'completed' };
};

const getKey: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.keys.get(callerOf(exchange), exchange.params.id ?? '');
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const updateKey: RouteHandler = async (exchange, dependencies) => {
  const input = await readAdminBody(exchange, updateKeySchema);
  const view = await dependencies.gateway.keys.update(
    callerOf(exchange),
    exchange.params.id ?? '',
    {
      name: input.name,
      models: input.models,
      routes: input.routes,
      maxOutputTokens: input.max_output_tokens,
      expiresAt: readExpiry(input.expires_at, exchange.clock),
      tags: input.tags,
      metadata: input.metadata,
    },
  );
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

const revokeKey: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.keys.revoke(callerOf(exchange), exchange.params.id ?? '');
  if (view === undefined) {
    notFound();
  }
  exchange.sendJson(200, view);
  return { status: 200, outcome: 'completed' };
};

/**
 * Virtual key administration under `/admin/keys`. Any admin-API role may call these; what each
 * caller may see and change is decided per key (`pipeline/identity/authorisation.ts`).
 */
export const adminKeyRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/keys', access: 'tenant', handler: createKey },
  { method: 'GET', path: '/admin/keys', access: 'tenant', handler: listKeys },
  { method: 'GET', path: '/admin/keys/:id', access: 'tenant', handler: getKey },
  { method: 'PATCH', path: '/admin/keys/:id', access: 'tenant', handler: updateKey },
  { method: 'DELETE', path: '/admin/keys/:id', access: 'tenant', handler: revokeKey },
];
