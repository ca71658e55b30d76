import type { Route } from '../router.ts';
import type { RouteHandler } from './route-handler.ts';

const live: RouteHandler = (exchange) => {
  exchange.sendJson(200, { status: 'live' });
  return Promise.resolve({ status: 200, outcome: 'completed' });
};

const ready: RouteHandler = async (exchange, dependencies) => {
  if (await dependencies.gateway.isReady()) {
    exchange.sendJson(200, { status: 'ready' });
    return { status: 200, outcome: 'completed' };
  }
  exchange.sendJson(503, { status: 'not-ready' });
  return { status: 503, outcome: 'rejected', errorCode: 'SB_ERR_NOT_READY' };
};

/** Liveness (the process answers) and readiness (storage answers); the only unauthenticated routes. */
export const healthRoutes: readonly Route<RouteHandler>[] = [
  { method: 'GET', path: '/health/live', access: 'public', handler: live },
  { method: 'GET', path: '/health/ready', access: 'public', handler: ready },
];
