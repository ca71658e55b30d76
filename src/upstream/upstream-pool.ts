import type { Dispatcher, Pool as UndiciPool } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';

export interface UpstreamPoolOptions {
  /** Connect timeout for an origin (`https://api.openai.com`), looked up when its pool is created. */
  readonly connectTimeoutFor: (origin: string) => number;
  /** How long an idle upstream connection is kept for reuse. */
  readonly keepAliveTimeoutMs?: number;
  /** Most connections open at once to one origin; further requests queue. */
  readonly connectionsPerOrigin?: number;
}

/**
 * The one connection pool for all provider traffic: an undici Agent that keeps a keep-alive pool
 * per origin. Only `src/upstream/` touches it.
 */
export interface UpstreamPool {
  readonly dispatcher: Dispatcher;
  /** Closes idle connections and waits for in-flight requests to end. */
  close(): Promise<void>;
}

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const agent = new Agent({
    factory(origin, factoryOptions) {
      const key = typeof origin === 'string' ? origin : origin.origin;
      return new Pool(origin, {
        ...(factoryOptions as UndiciPool.Options),
        connections: options.connectionsPerOrigin ?? 1024,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        connect: { timeout: options.connectTimeoutFor(key) },
      });
    },
  });
  return {
    dispatcher: agent,
    close: () => agent.close(),
  };
}
