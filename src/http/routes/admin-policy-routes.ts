import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { maxPolicyBytes } from '../../gateway/gateway.ts';
import { documentContentTypes, readRequestBody } from '../read-request-body.ts';
import type { Route } from '../router.ts';
import { callerOf, firstIssue, readAdminQuery } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

const versionParam = (params: Readonly<Record<string, string>>): string => params.version ?? '';

const notFound = (param: string): never => {
  throw new GatewayError('SB_ERR_NOT_FOUND', { param });
};

/** `PUT /admin/policy`: the body is the policy document itself (YAML or JSON). */
const applyPolicy: RouteHandler = async (exchange, dependencies) => {
  const text = await readRequestBody(exchange.request, maxPolicyBytes, documentContentTypes);
  const result = await dependencies.gateway.policies.apply(text, callerOf(exchange).agent);
  const status = result.unchanged ? 200 : 201;
  exchange.sendJson(status, { ...result.policy, unchanged: result.unchanged });
  return { status, outcome: 'completed' };
};

const activePolicy: RouteHandler = async (exchange, dependencies) => {
  const active = await dependencies.gateway.policies.active();
  if (active === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      detail: 'No policy is in force; PUT /admin/policy puts one in force.',
    });
  }
  exchange.sendJson(200, active);
  return { status: 200, outcome: 'completed' };
};

const listVersions: RouteHandler = async (exchange, dependencies) => {
  readAdminQuery(exchange, []);
  exchange.sendJson(200, {
    object: 'list',
    data: await dependencies.gateway.policies.versions(100),
    activations: await dependencies.gateway.policies.activations(100),
  });
  return { status: 200, outcome: 'completed' };
};

const getVersion: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.policies.version(versionParam(exchange.params));
  exchange.sendJson(200, view ?? notFound('version'));
  return { status: 200, outcome: 'completed' };
};

const activateVersion: RouteHandler = async (exchange, dependencies) => {
  const view = await dependencies.gateway.policies.activate(
    versionParam(exchange.params),
    callerOf(exchange).agent,
  );
  exchange.sendJson(200, view ?? notFound('version'));
  return { status: 200, outcome: 'completed' };
};

const versionSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a policy version');
const diffQuerySchema = z.strictObject({ from: versionSchema, to: versionSchema });

const diffVersions: RouteHandler = async (exchange, dependencies) => {
  const query = diffQuerySchema.safeParse(readAdminQuery(exchange, ['from', 'to']));
  if (!query.success) {
    throw firstIssue(query.error);
  }
  const diff = await dependencies.gateway.policies.diff(query.data.from, query.data.to);
  exchange.sendJson(200, {
    from: query.data.from,
    to: query.data.to,
    diff: diff ?? notFound('from'),
  });
  return { status: 200, outcome: 'completed' };
};

/**
 * Policy administration (`/admin/policy`): install-wide, so platform admins write and platform
 * readers read. Every change is a new version plus an activation: versioned, diffable, and
 * rolled out atomically.
 */
export const adminPolicyRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/policy', access: 'platform', handler: activePolicy },
  { method: 'PUT', path: '/admin/policy', access: 'admin', handler: applyPolicy },
  { method: 'GET', path: '/admin/policy/versions', access: 'platform', handler: listVersions },
  { method: 'GET', path: '/admin/policy/diff', access: 'platform', handler: diffVersions },
  {
    method: 'GET',
    path: '/admin/policy/versions/:version',
    access: 'platform',
    handler: getVersion,
  },
  {
    method: 'POST',
    path: '/admin/policy/versions/:version/activate',
    access: 'admin',
    handler: activateVersion,
  },
];
