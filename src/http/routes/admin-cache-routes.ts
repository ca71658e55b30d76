import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isPlatformAdmin, resolveActingOrg } from '../../gateway/gateway.ts';
import type { Route } from '../router.ts';
import { callerOf, readAdminBody } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

const invalidateSchema = z
  .strictObject({
    org: z.string().min(1).max(128).optional(),
    alias: z.string().min(1).max(256).optional(),
  })
  .describe('Which entries to delete: an organisation, an alias, or both.');

/**
 * `POST /admin/cache/invalidate`: deletes cached answers of an organisation, of an alias, or
 * both. An organisation's admins act in their own organisation; only a platform admin may name
 * another one or clear an alias across every organisation (no `org`).
 */
const invalidateCache: RouteHandler = async (exchange, dependencies) => {
  const caller = callerOf(exchange);
  const body = await readAdminBody(exchange, invalidateSchema);
  if (caller.role !== 'admin') {
    throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', {
      detail: 'Only an admin may invalidate cached answers.',
    });
  }
  const platformWide =
    body.org === undefined && isPlatformAdmin(caller) && body.alias !== undefined;
  const org = platformWide ? undefined : resolveActingOrg(caller, body.org);
  if (!platformWide && org === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', { param: 'org' });
  }
  const removed = await dependencies.gateway.invalidateCache({
    ...(org === undefined ? {} : { org }),
    ...(body.alias === undefined ? {} : { alias: body.alias }),
  });
  if (removed === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      param: '(path)',
      detail: 'No response cache is configured (add a cache: section).',
    });
  }
  exchange.sendJson(200, { removed });
  return { status: 200, outcome: 'completed' };
};

export const adminCacheRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/cache/invalidate', access: 'tenant', handler: invalidateCache },
];
