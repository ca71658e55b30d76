import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { IngressCodec } from '../../dialects/dialect-codec.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  checkOutputTokenCap,
  ContextBlockedError,
  contextWarningHeader,
  endUserHeader,
  readEndUser,
} from '../../gateway/gateway.ts';
import { decodeWithPrompt, withContextDocuments } from './apply-request-preamble.ts';
import type { RequestContext } from '../../gateway/request-context.ts';
import type { HttpDependencies } from '../http-dependencies.ts';
import type { HttpExchange } from '../http-exchange.ts';
import { PayloadCapture } from '../payload-capture.ts';
import { oncePerInterval } from '../../lib/once-per-interval.ts';
import { readRequestBody } from '../read-request-body.ts';
import { writeModelResponse } from '../write-model-response.ts';
import type { RouteHandler } from './route-handler.ts';

const headerValueLimit = 1024;

/** The client headers the ingress dialect lets travel upstream, when sent with sane values. */
function forwardedHeaders(
  exchange: HttpExchange,
  ingress: IngressCodec,
): Readonly<Record<string, string>> | undefined {
  let headers: Record<string, string> | undefined;
  for (const name of ingress.forwardableHeaders) {
    const value = exchange.request.headers[name];
    if (typeof value === 'string' && value !== '' && value.length <= headerValueLimit) {
      headers ??= {};
      headers[name] = value;
    }
  }
  return headers;
}

/** One throttled log warning per gateway about stale context served anyway (`on_stale: warn`). */
const staleContextWarners = new WeakMap<HttpDependencies, (warning: string) => void>();

function staleContextWarner(
  dependencies: HttpDependencies,
  exchange: HttpExchange,
): (warning: string) => void {
  let warn = staleContextWarners.get(dependencies);
  if (warn === undefined) {
    warn = oncePerInterval<string>(exchange.clock, 60_000, (warning, suppressed) => {
      dependencies.logger.warn(
        { warning, suppressed },
        'served a request with stale context documents (their attachment says warn)',
      );
    });
    staleContextWarners.set(dependencies, warn);
  }
  return warn;
}

/**
 * The request with its attached context documents in front (see `withContextDocuments`); what
 * was injected, or refused, goes on the exchange for the request record, and a stale document
 * served anyway is named in `x-signalbox-context-warning`.
 */
function injectContextDocuments(
  exchange: HttpExchange,
  envelope: ModelRequestEnvelope,
  ingress: IngressCodec,
  dependencies: HttpDependencies,
): ModelRequestEnvelope {
  try {
    const injected = withContextDocuments(
      envelope,
      ingress,
      dependencies.gateway.contextDocuments,
      {
        team: exchange.principal?.team,
        route: exchange.path,
      },
    );
    if (injected.provenance.length > 0) exchange.context = injected.provenance;
    if (injected.warnings.length > 0) {
      const warning = injected.warnings.join('; ');
      exchange.response.setHeader(contextWarningHeader, warning);
      staleContextWarner(dependencies, exchange)(warning);
    }
    return injected.envelope;
  } catch (error) {
    if (error instanceof ContextBlockedError) exchange.context = error.provenance;
    throw error;
  }
}

/**
 * Reads and decodes a model request with the route's ingress codec, and the gateway's view of
 * who sent it. Throws `GatewayError` for unreadable or invalid bodies.
 */
export async function readModelRequest(
  exchange: HttpExchange,
  dependencies: HttpDependencies,
  ingress: IngressCodec,
  operation: ModelOperation,
): Promise<{ context: RequestContext; envelope: ModelRequestEnvelope }> {
  const text = await readRequestBody(exchange.request, dependencies.maxBodyBytes());
  const endUserSent = exchange.request.headers[endUserHeader];
  const { envelope: decoded, prompt } = decodeWithPrompt(
    text,
    ingress,
    operation,
    dependencies.gateway.prompts,
    // A canary keeps an end user on one version; without one, each request draws anew.
    (value) => readEndUser(endUserSent, value)?.id ?? exchange.requestId,
    (model) => {
      exchange.requestedModel = model;
    },
  );
  exchange.prompt = prompt;
  const headers = forwardedHeaders(exchange, ingress);
  const principal = exchange.principal;
  if (principal === undefined) {
    throw new Error('model routes require an authenticated principal');
  }
  exchange.requestedModel = decoded.model;
  exchange.stream = decoded.stream;
  const envelope = injectContextDocuments(
    exchange,
    headers === undefined ? decoded : { ...decoded, forwardedHeaders: headers },
    ingress,
    dependencies,
  );
  const endUser = readEndUser(endUserSent, envelope.body.value);
  exchange.endUser = endUser;
  const capture =
    dependencies.payloadCaptureBytes === undefined
      ? undefined
      : new PayloadCapture(dependencies.payloadCaptureBytes);
  exchange.payloadCapture = capture;
  const overCap = checkOutputTokenCap(principal, envelope.body.value, operation === 'chat');
  if (overCap !== undefined) {
    throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', {
      param: overCap.param,
      detail: overCap.detail,
    });
  }
  return {
    envelope,
    context: {
      requestId: exchange.requestId,
      principal,
      endUser,
      cancellation: exchange.cancellation,
      headerNames: exchange.headerNames(),
      onPolicyDecision: (record) => {
        exchange.policy = record;
      },
      ...(capture === undefined
        ? {}
        : {
            onForwarded: (forwarded: ModelRequestEnvelope) =>
              capture.forwarded(forwarded.body.text),
          }),
      headers: exchange.request.headers,
    },
  };
}

/**
 * The handler of a model route: read the body, decode it with the route's ingress codec, hand it
 * to the gateway and write the answer. The same for every dialect; only the codec differs.
 */
export function modelOperationHandler(
  ingress: IngressCodec,
  operation: ModelOperation,
): RouteHandler {
  return async function handleModelOperation(exchange, dependencies) {
    const { context, envelope } = await readModelRequest(
      exchange,
      dependencies,
      ingress,
      operation,
    );
    const trace = exchange.trace;
    if (trace !== undefined) {
      trace.modelRequest(operation, envelope.model, envelope.body.value);
    }
    const routed = await dependencies.gateway.handleModelRequest(
      trace === undefined ? context : { ...context, trace },
      envelope,
    );
    return writeModelResponse(exchange, envelope.model, routed, dependencies.sendStallMs?.());
  };
}
