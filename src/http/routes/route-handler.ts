import type { HttpDependencies } from '../http-dependencies.ts';
import type { HttpExchange } from '../http-exchange.ts';
import type { RequestFacts } from '../request-outcome.ts';

/**
 * Handles one matched request and returns the facts for its record. Throwing a `GatewayError`
 * (or `PlanFailedError`) is the normal way to refuse: the dispatcher turns it into the route's
 * error response.
 */
export type RouteHandler = (
  exchange: HttpExchange,
  dependencies: HttpDependencies,
) => Promise<RequestFacts>;
