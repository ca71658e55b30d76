import type { TokenTransport } from '../auth/upstream-authorizer.ts';
import { safeParseJson } from '../lib/json.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import { openUpstreamExchange } from './upstream-exchange.ts';
import type { UpstreamPool } from './upstream-pool.ts';

const neverCancelled: Cancellation = { cancelled: false, subscribe: () => () => undefined };
const tokenTimeouts = { connectMs: 10_000, firstByteMs: 30_000, idleMs: 30_000, totalMs: 60_000 };

/**
 * Token requests to identity providers (Google, Microsoft Entra) through the shared pool, with
 * bounded timeouts. An error names the endpoint's origin and status, never the request body.
 */
export function createTokenTransport(pool: UpstreamPool): TokenTransport {
  return async (request) => {
    const exchange = await openUpstreamExchange(pool, {
      url: request.url,
      method: 'POST',
      headers: { accept: 'application/json', ...request.headers },
      body: request.body,
      timeouts: tokenTimeouts,
      cancellation: neverCancelled,
    });
    const text = (await exchange.readAll(1024 * 1024)).toString('utf8');
    if (exchange.status !== 200) {
      throw new Error(`the token endpoint ${request.url.origin} answered ${exchange.status}`);
    }
    const parsed = safeParseJson(text);
    if (!parsed.ok) {
      throw new Error(`the token endpoint ${request.url.origin} did not answer JSON`);
    }
    return parsed.value;
  };
}
