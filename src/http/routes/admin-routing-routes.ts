import { GatewayError } from '../../errors/gateway-error.ts';
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

/**
 * `GET /admin/routing/routers/:name/curve`: a strong/weak router's calibration curve, the share
 * of calibration prompts it sends to the strong model at each threshold (threshold `quantiles[i]`
 * sends `1 − i/100`, as `thresholdForShare` calibrates), with the threshold in force. Artifacts
 * keep calibration scores, not quality labels, so this is the cost side of the trade-off only.
 */
const routerCurve: RouteHandler = (exchange, dependencies) => {
  const name = exchange.params.name ?? '';
  const router = dependencies.gateway.learnedRouters().find((entry) => entry.name === name);
  if (router === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      detail: 'There is no learned router of that name.',
    });
  }
  const calibration = router.calibration;
  if (calibration === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND', {
      detail: 'This router chooses among more than two models; it has no threshold curve.',
    });
  }
  const last = Math.max(calibration.quantiles.length - 1, 1);
  exchange.sendJson(200, {
    object: 'router_curve',
    name: router.name,
    version: router.version,
    strong_model: router.models[0] ?? null,
    threshold: calibration.threshold,
    target_strong_share: router.targetShare ?? null,
    sample_count: calibration.sampleCount,
    points: calibration.quantiles.map((threshold, index) => ({
      threshold,
      strong_share: Math.round((1 - index / last) * 1e4) / 1e4,
    })),
  });
  return Promise.resolve({ status: 200, outcome: 'completed' });
};

export const adminRoutingRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/admin/routing/savings', access: 'tenant', handler: reportSavings },
  { method: 'GET', path: '/admin/routing/routers', access: 'platform', handler: listRouters },
  {
    method: 'GET',
    path: '/admin/routing/routers/:name/curve',
    access: 'platform',
    handler: routerCurve,
  },
];
