import { createServer, type Server } from 'node:http';
import type { ServerConfig } from '../config/gateway-config.ts';
import { noteClientError } from './client-error-codes.ts';
import { createRequestHandler } from './handle-http-request.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import type { Route } from './router.ts';
import type { RouteHandler } from './routes/route-handler.ts';
import { adminCredentialRoutes } from './routes/admin-credential-routes.ts';
import { adminDirectoryRoutes } from './routes/admin-directory-routes.ts';
import { adminKeyRoutes } from './routes/admin-key-routes.ts';
import { adminRoutingRoutes } from './routes/admin-routing-routes.ts';
import { adminSpendRoutes } from './routes/admin-spend-routes.ts';
import { adminBudgetRoutes } from './routes/admin-budget-routes.ts';
import { adminRequestLogRoutes } from './routes/admin-request-log-routes.ts';
import { adminPolicyRoutes } from './routes/admin-policy-routes.ts';
import { adminPromptRoutes } from './routes/admin-prompt-routes.ts';
import { adminContextDocumentRoutes } from './routes/admin-context-document-routes.ts';
import { adminAuditRoutes } from './routes/admin-audit-routes.ts';
import { adminCacheRoutes } from './routes/admin-cache-routes.ts';
import { adminSessionRoutes } from './routes/admin-session-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import { anthropicModelRoutes } from './routes/anthropic-model-routes.ts';
import { openAiModelRoutes } from './routes/openai-model-routes.ts';
import { routingRoutes } from './routes/routing-routes.ts';

/** Every route the gateway serves; all pass through the same dispatcher (auth, errors, records). */
export const gatewayRoutes = [
  ...healthRoutes,
  ...metricsRoutes,
  ...openAiModelRoutes,
  ...anthropicModelRoutes,
  ...adminKeyRoutes,
  ...adminDirectoryRoutes,
  ...adminCredentialRoutes,
  ...adminSpendRoutes,
  ...adminBudgetRoutes,
  ...adminRequestLogRoutes,
  ...adminRoutingRoutes,
  ...adminPolicyRoutes,
  ...adminPromptRoutes,
  ...adminContextDocumentRoutes,
  ...adminAuditRoutes,
  ...adminCacheRoutes,
  ...adminSessionRoutes,
  ...routingRoutes,
];

/** How often incomplete requests are checked against the header and request timeouts. */
const connectionsCheckingIntervalMs = 1000;

/**
 * Creates the gateway's HTTP server (not yet listening), with limits against slow or oversized
 * clients: header and whole-request timeouts, a header size cap, and idle keep-alive expiry.
 */
export function createHttpServer(
  server: ServerConfig,
  dependencies: HttpDependencies,
  /** Routes known only at startup, such as the console's built files (console-routes.ts). */
  startupRoutes: readonly Route<RouteHandler>[] = [],
): Server {
  const httpServer = createServer(
    {
      headersTimeout: server.headersTimeoutMs,
      requestTimeout: server.requestTimeoutMs,
      keepAliveTimeout: server.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only when it sweeps its connections, every 30 s by
      // default, so a slow client could hold a connection for up to 30 s past either of them.
      connectionsCheckingInterval: connectionsCheckingIntervalMs,
      maxHeaderSize: 32 * 1024,
      // The strict parser refuses malformed requests and request-smuggling ambiguities.
      insecureHTTPParser: false,
    },
    createRequestHandler([...gatewayRoutes, ...startupRoutes], dependencies),
  );
  httpServer.on('clientError', (error, socket) => {
    if (socket.writable) {
      const code = (error as { code?: string }).code;
      noteClientError(socket, code);
      // A client too slow with its headers or body is told so (408), as Node itself would.
      const status =
        code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const reason =
        status === 431
          ? 'Request Header Fields Too Large'
          : status === 408
            ? 'Request Timeout'
            : 'Bad Request';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  return httpServer;
}
