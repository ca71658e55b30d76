import { GatewayError } from '../../errors/gateway-error.ts';
import type { Route } from '../router.ts';
import { callerOf } from './admin-json-body.ts';
import { readSpendQuery } from './admin-spend-routes.ts';
import type { RouteHandler } from './route-handler.ts';
import { routerValidationJson } from './router-validation-json.ts';

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
 * `GET /admin/routing/routers/:name/curve`: a router's curves. `calibration` (strong/weak routers;
 * null for N-model ones) is the share of calibration prompts sent to the strong model at each
 * threshold (threshold `quantiles[i]` sends `1 − i/100`, as `thresholdForShare` calibrates), with
 * the threshold in force; `points` repeats it for older clients. `validation` is the held-out
 * quality curve the artifact stores (quality against strong share, or against cost over λ), or
 * null when the artifact predates it.
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
  const last = Math.max((calibration?.quantiles.length ?? 0) - 1, 1);
  const points =
    calibration?.quantiles.map((threshold, index) => ({
      threshold,
      strong_share: Math.round((1 - index / last) * 1e4) / 1e4,
    })) ?? [];
  exchange.sendJson(200, {
    object: 'router_curve',
    name: router.name,
    version: router.version,
    kind: calibration === undefined ? 'multi_model' : 'pair',
    models: router.models,
    strong_model: calibration === undefined ? null : (router.models[0] ?? null),
    threshold: calibration?.threshold ?? null,
    target_strong_share: router.targetShare ?? null,
    tradeoff: router.tradeoff ?? null,
    sample_count: calibration?.sampleCount ?? null,
    points,
    calibration: calibration === undefined ? null : points,
    validation: routerValidationJson(router.validation),
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
