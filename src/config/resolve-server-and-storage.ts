import { isAbsolute, resolve } from 'node:path';
import type { ConfigFile } from './config-schema.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { Environment } from './environment.ts';
import type { RateLimitStorageConfig, ServerConfig, StorageConfig } from './gateway-config.ts';
import { resolveSecretReference } from './resolve-secret-reference.ts';

/** What resolving the server and storage settings needs besides the file. */
export interface ServerResolveOptions {
  readonly baseDirectory: string;
  readonly environment: Environment;
  readonly overrides: {
    readonly host?: string | undefined;
    readonly port?: number | undefined;
    readonly stateDir?: string | undefined;
  };
}

/** Where rate limit state lives, with the Redis URL resolved when one is set. */
export function resolveRateLimitStorage(
  file: ConfigFile,
  options: ServerResolveOptions,
  problems: ConfigProblem[],
): RateLimitStorageConfig {
  const entry = file.storage;
  const base = { redisKeyPrefix: entry?.redis_key_prefix, replicas: entry?.replicas ?? 1 };
  if (entry?.redis_url === undefined) {
    return { ...base, redisUrl: undefined };
  }
  const resolution = resolveSecretReference(
    entry.redis_url,
    options.environment,
    options.baseDirectory,
  );
  if (!resolution.ok) {
    problems.push({ path: 'storage.redis_url', message: resolution.message });
    return { ...base, redisUrl: undefined };
  }
  return { ...base, redisUrl: resolution.secret };
}

/** The storage backend, with its connection URL resolved; undefined (with a problem) if it cannot be. */
export function resolveStorage(
  file: ConfigFile,
  options: ServerResolveOptions,
  problems: ConfigProblem[],
): StorageConfig | undefined {
  const entry = file.storage;
  if (entry?.backend !== 'postgres' || entry.postgres_url === undefined) {
    return { backend: 'sqlite' };
  }
  const resolution = resolveSecretReference(
    entry.postgres_url,
    options.environment,
    options.baseDirectory,
  );
  if (!resolution.ok) {
    problems.push({ path: 'storage.postgres_url', message: resolution.message });
    return undefined;
  }
  return { backend: 'postgres', url: resolution.secret, schema: entry.postgres_schema };
}

/** The listener and its limits, with command-line and environment overrides applied. */
export function resolveServer(
  file: ConfigFile,
  options: ServerResolveOptions,
  problems: ConfigProblem[],
): ServerConfig | undefined {
  let port = options.overrides.port ?? file.server?.port ?? 7878;
  const environmentPort = options.environment.SIGNALBOX_PORT;
  if (
    options.overrides.port === undefined &&
    environmentPort !== undefined &&
    environmentPort !== ''
  ) {
    const parsed = Number(environmentPort);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
      problems.push({
        path: 'SIGNALBOX_PORT',
        message: `"${environmentPort}" is not a port number (0-65535)`,
      });
      return undefined;
    }
    port = parsed;
  }
  const environmentHost = options.environment.SIGNALBOX_HOST;
  const host =
    options.overrides.host ??
    (environmentHost !== undefined && environmentHost !== '' ? environmentHost : undefined) ??
    file.server?.host ??
    '127.0.0.1';
  return {
    host,
    port,
    maxBodyBytes: file.server?.max_body_bytes ?? 20 * 1024 * 1024,
    requestTimeoutMs: file.server?.request_timeout_ms ?? 60_000,
    headersTimeoutMs: file.server?.headers_timeout_ms ?? 10_000,
    keepAliveTimeoutMs: file.server?.keep_alive_timeout_ms ?? 65_000,
    shutdownGraceMs: file.server?.shutdown_grace_ms ?? 10_000,
    sendStallMs: file.server?.send_stall_ms ?? 60_000,
    streamDrainMs: file.server?.stream_drain_ms ?? 10_000,
    ledgerBacklog: file.server?.ledger_backlog ?? 10_000,
    budgetHoldTtlMs: file.server?.budget_hold_ttl_ms ?? 3_600_000,
  };
}

/** The state directory: command line, then environment, then file (relative to it), then ./.signalbox. */
export function resolveStateDir(file: ConfigFile, options: ServerResolveOptions): string {
  if (options.overrides.stateDir !== undefined) {
    return resolve(options.overrides.stateDir);
  }
  const fromEnvironment = options.environment.SIGNALBOX_STATE_DIR;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return resolve(fromEnvironment);
  }
  if (file.state_dir !== undefined) {
    return isAbsolute(file.state_dir)
      ? file.state_dir
      : resolve(options.baseDirectory, file.state_dir);
  }
  return resolve('.signalbox');
}
