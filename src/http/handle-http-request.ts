import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import {
  canReadPlatform,
  checkAdminRoute,
  checkModelRoute,
  isPlatformAdmin,
  PlanFailedError,
} from '../gateway/gateway.ts';
import { authenticateBySession, hasApiKeyHeader } from './console-session-cookie.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { HttpExchange, readApiKey } from './http-exchange.ts';
import { UnreadBodyError } from './read-request-body.ts';
import { headerSafeText } from './header-safe-text.ts';
import { buildRequestRecord, type RequestFacts } from './request-outcome.ts';
import { Router, type Route } from './router.ts';
import type { RouteHandler } from './routes/route-handler.ts';

/**
 * Builds the server's request listener: match the route, authenticate (every route except
 * health), authorise by route access, run the handler, and turn any refusal into the route's
 * error format. Every request ends with exactly one record.
 */
export function createRequestHandler(
  routes: readonly Route<RouteHandler>[],
  dependencies: HttpDependencies,
): (request: IncomingMessage, response: ServerResponse) => void {
  const router = new Router(routes);
  return (request, response) => {
    const exchange = new HttpExchange(request, response, dependencies.clock);
    if (dependencies.tracer !== undefined) {
      exchange.trace = dependencies.tracer.startRequest(
        exchange.method,
        exchange.path,
        request.headers,
      );
    }
    dispatch(exchange, router, dependencies)
      .then((facts) => finish(exchange, dependencies, facts))
      .catch((error: unknown) => {
        finish(exchange, dependencies, refuse(exchange, dependencies, error));
      });
  };
}

async function dispatch(
  exchange: HttpExchange,
  router: Router<RouteHandler>,
  dependencies: HttpDependencies,
): Promise<RequestFacts> {
  const match = router.match(exchange.method, exchange.path);
  if (match.kind === 'found' && exchange.trace !== undefined) {
    exchange.trace.route = match.route.path;
  }
  if (match.kind === 'found' && match.route.errorCodec !== undefined) {
    exchange.errorCodec = match.route.errorCodec;
  }
  if (match.kind === 'found' && match.route.access === 'public') {
    return match.route.handler(exchange, dependencies);
  }
  const token = readApiKey(exchange.request);
  if (token === undefined) {
    // No usable key header: the console session cookie, unless a key header was sent at all.
    exchange.principal = await sessionPrincipal(exchange, dependencies);
  } else {
    const authenticated = dependencies.gateway.authenticate(token);
    exchange.principal = authenticated instanceof Promise ? await authenticated : authenticated;
  }
  const principal = exchange.principal;
  if (principal === undefined) {
    throw new GatewayError('SB_ERR_AUTH_INVALID_KEY');
  }
  if (match.kind === 'not-found') {
    throw new GatewayError('SB_ERR_ROUTE_NOT_FOUND');
  }
  if (match.kind === 'wrong-method') {
    throw new GatewayError('SB_ERR_METHOD_NOT_ALLOWED', {
      detail: `Allowed: ${match.allowed.join(', ')}.`,
    });
  }
  const refusal = routeRefusal(match.route, exchange.method, principal);
  if (refusal !== undefined) {
    throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', { detail: refusal });
  }
  exchange.params = match.params;
  return match.route.handler(exchange, dependencies);
}

/**
 * The caller of a request without a usable key header: its console session (with the CSRF
 * checks, docs/authentication.md). A key header, even a malformed one, always wins.
 */
async function sessionPrincipal(
  exchange: HttpExchange,
  dependencies: HttpDependencies,
): Promise<NonNullable<HttpExchange['principal']>> {
  const session = hasApiKeyHeader(exchange.request)
    ? undefined
    : await authenticateBySession(exchange, dependencies);
  if (session === undefined) {
    throw new GatewayError('SB_ERR_AUTH_MISSING_KEY');
  }
  return session.principal;
}

/**
 * Why the caller may not use the route at all, or undefined. The rules live in the identity
 * module; per-object checks of admin routes happen in their handlers.
 */
function routeRefusal(
  route: Route<RouteHandler>,
  method: string,
  principal: NonNullable<HttpExchange['principal']>,
): string | undefined {
  switch (route.access) {
    case 'model':
      return route.modelRoute === undefined
        ? 'This route has no model route name.'
        : checkModelRoute(principal, route.modelRoute);
    case 'tenant':
      return checkAdminRoute(principal, method);
    case 'admin':
      return isPlatformAdmin(principal)
        ? undefined
        : 'Only a platform admin (SIGNALBOX_ADMIN_KEY or an admin key of the organisation `default`) may use this route.';
    case 'platform':
      return canReadPlatform(principal)
        ? undefined
        : 'Only a platform admin (or an organisation-wide viewer of `default`) may read this.';
    default:
      return undefined;
  }
}

/** Answers a refused or failed request and returns its facts. */
function refuse(
  exchange: HttpExchange,
  dependencies: HttpDependencies,
  thrown: unknown,
): RequestFacts {
  let error: GatewayError;
  let attempts: PlanFailedError['attempts'] | undefined;
  let decision: PlanFailedError['trace'];
  let closeConnection = false;
  if (thrown instanceof PlanFailedError) {
    error = thrown.lastError;
    attempts = thrown.attempts;
    decision = thrown.trace;
  } else if (thrown instanceof UnreadBodyError) {
    error = thrown.error;
    closeConnection = true;
  } else {
    error = toGatewayError(thrown);
  }
  if (error.code === 'SB_ERR_INTERNAL') {
    dependencies.logger.error({ err: thrown, requestId: exchange.requestId }, 'request failed');
  }
  if (exchange.response.headersSent) {
    // A stream had started; its own error event was written. Close what is left.
    exchange.response.destroy();
  } else {
    exchange.sendError(error, closeConnection, attemptHeaders(attempts, decision));
  }
  return {
    status: error.status,
    requestedModel: exchange.requestedModel,
    stream: exchange.stream,
    outcome:
      error.code === 'SB_ERR_CLIENT_CLOSED'
        ? 'client-closed'
        : attempts === undefined
          ? 'rejected'
          : 'upstream-error',
    errorCode: error.code,
    ...(error.code === 'SB_ERR_OUTPUT_SCHEMA_INVALID' ? { outputSchema: 'invalid' as const } : {}),
    ...(attempts === undefined ? {} : { attempts }),
    decision,
  };
}

/**
 * What a failed request tried, for the client: the route reason, the number of attempts and, per
 * attempt, the deployment, the failure class, the provider's status and the time it took.
 */
function attemptHeaders(
  attempts: PlanFailedError['attempts'] | undefined,
  decision: PlanFailedError['trace'],
): Record<string, string> | undefined {
  if (attempts === undefined) {
    return undefined;
  }
  const headers: Record<string, string> = {
    'x-signalbox-attempts': String(attempts.length),
    // A deployment id holds the model name, which a client picks on an open provider.
    'x-signalbox-attempt-errors': headerSafeText(
      attempts
        .map(
          (attempt) =>
            `${attempt.deployment} ${attempt.errorClass ?? attempt.outcome} ${attempt.status ?? '-'} ${Math.round(attempt.durationMs)}ms`,
        )
        .join(', '),
    ),
  };
  if (decision !== undefined) {
    headers['x-signalbox-route'] = headerSafeText(decision.reason);
  }
  return headers;
}

function finish(exchange: HttpExchange, dependencies: HttpDependencies, facts: RequestFacts): void {
  try {
    const record = buildRequestRecord(exchange, facts);
    dependencies.onRequestRecord(record);
    exchange.trace?.end(record);
  } catch (error) {
    dependencies.logger.error({ err: error }, 'request record listener failed');
  }
}
