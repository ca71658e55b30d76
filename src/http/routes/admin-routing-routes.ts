import type { Route } from '../router.ts';
import { callerOf } from './admin-json-body.ts';
import { readSpendQuery } from './admin-spend-routes.ts';
import type { RouteHandler } from './route-handler.ts';

/**
 * `GET /admin/routing/savings`: what routing saved against always using each requested alias's
 * strongest deployment, from the spend ledger; the query and scoping of `GET /admin/spend`.
 */
const reportSavings: RouteHandler = async (exchange, dependencies) => {
  const report = await dependencies.gateway.reportRoutingSavings(
    callerOf(exchange),
    readSpendQuery(exchange),
  );
  exchange.sendJson(200, report);
  return { status: 200, outcome: 'completed' };
};

/**
 * `GET /admin/routing/routers`: the learned routers in force, their versions, and the share of
 * decisions that chose each model since the configuration loaded, next to the calibrated share.
 */
const listRouters: RouteHandler = (exchange, dependencies) => {
  // Install-wide state: the route's `platform` access admits only those who may read it.
  exchange.sendJson(200, {
    object: 'list',
    data: dependencies.gateway.learnedRouters().map((router) => ({
      object: 'learned_router',
      name: router.name,
      version: router.version,
      models: router.models,
      target_strong_share: router.targetShare ?? null,
      decisions: router.decisions,
      realised_shares: router.realisedShares,
    })),
  });
  return Promise.resolve({ status: 200, outcome: 'completed' });
};

export const adminRoutingRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/routing/savings', access: 'tenant', handler: reportSavings },
  { method: 'GET', path: '/admin/routing/routers', access: 'platform', handler: listRouters },
];
