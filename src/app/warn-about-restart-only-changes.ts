import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Logger } from '../observability/logger.ts';
import { tracingSettingsChanged } from './start-configured-tracing.ts';

/**
 * Logs, once per reload, the settings that changed but take effect only when the process
 * restarts (listening address, storage, timeouts read at start, audit, request log, tracing).
 */
export function warnAboutRestartOnlyChanges(
  logger: Logger,
  before: GatewayConfig,
  after: GatewayConfig,
): void {
  const restartOnly: string[] = [];
  if (before.server.host !== after.server.host) restartOnly.push('server.host');
  if (before.server.port !== after.server.port) restartOnly.push('server.port');
  if (before.stateDir !== after.stateDir) restartOnly.push('state_dir');
  if (
    JSON.stringify(before.storage) !== JSON.stringify(after.storage) ||
    JSON.stringify(before.rateLimitStorage) !== JSON.stringify(after.rateLimitStorage)
  ) {
    restartOnly.push('storage');
  }
  if (before.server.requestTimeoutMs !== after.server.requestTimeoutMs)
    restartOnly.push('server.request_timeout_ms');
  if (before.server.headersTimeoutMs !== after.server.headersTimeoutMs)
    restartOnly.push('server.headers_timeout_ms');
  if (before.server.keepAliveTimeoutMs !== after.server.keepAliveTimeoutMs) {
    restartOnly.push('server.keep_alive_timeout_ms');
  }
  if (before.server.ledgerBacklog !== after.server.ledgerBacklog) {
    restartOnly.push('server.ledger_backlog');
  }
  if (JSON.stringify(before.audit) !== JSON.stringify(after.audit)) {
    restartOnly.push('audit');
  }
  if (JSON.stringify(before.requestLog) !== JSON.stringify(after.requestLog)) {
    restartOnly.push('request_log');
  }
  if (tracingSettingsChanged(before.tracing, after.tracing)) {
    restartOnly.push('tracing');
  }
  if (restartOnly.length > 0) {
    logger.warn({ settings: restartOnly }, 'these settings change only on restart');
  }
}
