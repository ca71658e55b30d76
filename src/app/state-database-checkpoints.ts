import type { GatewayConfig } from '../config/gateway-config.ts';

/**
 * Whether the SQLite state database is checkpointed off the event loop: by the request log's
 * writer thread, which runs when the log is on and the database is SQLite. Then the event loop's
 * connections are opened with auto-checkpoint off. A checkpoint inside a COMMIT copies up to
 * 4 MB and syncs twice: 3–8 ms, about four times a second at one connection (measured), which
 * was the largest share of the one-connection p99.
 */
export function checkpointsOffThread(
  config: Pick<GatewayConfig, 'storage' | 'requestLog'>,
): boolean {
  return config.storage.backend === 'sqlite' && config.requestLog.enabled;
}
