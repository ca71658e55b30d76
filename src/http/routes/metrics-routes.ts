import { GatewayError } from '../../errors/gateway-error.ts';
import type { Route } from '../router.ts';
import type { RouteHandler } from './route-handler.ts';

/**
 * `GET /metrics`: the Prometheus exposition (text format 0.0.4) of the gateway's metrics; under
 * `serve --workers`, of all workers together. Platform access (Prometheus scrapes with a bearer
 * key). 404 when the gateway was built without metrics.
 */
const scrape: RouteHandler = async (exchange, dependencies) => {
  const metrics = dependencies.metrics;
  if (metrics === undefined) {
    throw new GatewayError('SB_ERR_NOT_FOUND');
  }
  const text = await metrics.render();
  exchange.send(200, text, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  return { status: 200, outcome: 'completed' };
};

/** The metrics route. */
export const metricsRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/metrics', access: 'platform', handler: scrape },
];
