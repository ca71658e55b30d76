import type {
  RateLimitAdjustment,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitState,
  RateLimitStore,
} from '../ports.ts';
import {
  burstTolerance,
  emissionInterval,
  GCRA_EPSILON_MS,
  gcraAcquire,
  gcraAdjust,
  validateRateLimitAdjustments,
  validateRateLimitRequests,
} from '../rate-limit-gcra.ts';
import { RedisScript, type RedisScriptClient } from './redis-script.ts';

export type { RedisScriptClient } from './redis-script.ts';

/**
 * The one script behind both operations. It reads the server's `TIME` (so every gateway process
 * shares one clock), reads every TAT, and then:
 * - `acquire`: checks every limit first and charges all of them only if all admit;
 * - `adjust`: moves every TAT by its delta, never before now.
 * Each written key gets an expiry at its TAT (an expired key equals a fresh one); a TAT at or
 * before now deletes the key. Redis runs a script atomically, so no other call interleaves.
 *
 * ARGV: mode, epsilon, then per key: emission interval, burst tolerance, cost or delta.
 * Returns: now, 1 or 0 (allowed), then each TAT as read ('' for none). Numbers travel as strings
 * in `%.17g`, which round-trips doubles exactly, because Redis truncates Lua numbers to integers.
 * The arithmetic mirrors `rate-limit-gcra.ts` operation for operation, so both agree bit for bit.
 */
export const RATE_LIMIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local mode = ARGV[1]
local epsilon = tonumber(ARGV[2])
local stored = {}
local base = {}
local result = {string.format('%.17g', now), 1}
for i = 1, #KEYS do
  local value = redis.call('GET', KEYS[i])
  local tat = now
  if value then
    stored[i] = value
    tat = math.max(tonumber(value), now)
  else
    stored[i] = ''
  end
  base[i] = tat
  if mode == 'acquire' then
    local offset = 3 + (i - 1) * 3
    local interval = tonumber(ARGV[offset])
    local tolerance = tonumber(ARGV[offset + 1])
    local cost = tonumber(ARGV[offset + 2])
    if not (tat + cost * interval - now <= tolerance + epsilon) then
      result[2] = 0
    end
  end
end
if result[2] == 1 then
  for i = 1, #KEYS do
    local offset = 3 + (i - 1) * 3
    local interval = tonumber(ARGV[offset])
    local change = tonumber(ARGV[offset + 2])
    local tat = base[i] + change * interval
    if tat < now then tat = now end
    if tat > now then
      redis.call('SET', KEYS[i], string.format('%.17g', tat))
      redis.call('PEXPIRE', KEYS[i], math.ceil(tat - now) + 1)
    else
      redis.call('DEL', KEYS[i])
    end
  end
end
for i = 1, #KEYS do
  result[#result + 1] = stored[i]
end
return result
`;

const rateLimitScript = new RedisScript(RATE_LIMIT_SCRIPT);

/** Options for {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected client; the caller owns its lifecycle. */
  readonly client: RedisScriptClient;
  /**
   * Prepended to every key (default `signalbox:rate-limit:`). On Redis Cluster, one script may
   * only touch one hash slot: use a hash tag (`{signalbox}:rate-limit:`) or keep every call's
   * keys in one slot.
   */
  readonly keyPrefix?: string;
}

/**
 * A {@link RateLimitStore} in Redis, shared by every gateway process connected to it, timed by the
 * Redis server's clock. One Lua script ({@link RATE_LIMIT_SCRIPT}) runs each call atomically; it
 * is called by SHA1 and loaded once on `NOSCRIPT` (after a restart or `SCRIPT FLUSH`). Rejects
 * when Redis fails; it never admits on error (fail-open or fail-closed is the caller's choice).
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: RedisScriptClient;
  readonly #keyPrefix: string;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix ?? 'signalbox:rate-limit:';
  }

  async acquire(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision> {
    validateRateLimitRequests(requests);
    if (requests.length === 0) return { allowed: true, retryAfterMs: 0, limits: [] };
    const reply = await this.#run(
      'acquire',
      requests,
      requests.map((request) => request.cost),
    );
    const result = gcraAcquire(reply.now, requests, reply.tats);
    if (result.decision.allowed !== reply.allowed) {
      // The script and rate-limit-gcra.ts must mirror each other; a difference is a bug.
      throw new Error('The rate limit script and the GCRA math disagree.');
    }
    return result.decision;
  }

  async adjust(adjustments: readonly RateLimitAdjustment[]): Promise<RateLimitState[]> {
    validateRateLimitAdjustments(adjustments);
    if (adjustments.length === 0) return [];
    const reply = await this.#run(
      'adjust',
      adjustments,
      adjustments.map((adjustment) => adjustment.costDelta),
    );
    return gcraAdjust(reply.now, adjustments, reply.tats).states;
  }

  async #run(
    mode: 'acquire' | 'adjust',
    limits: readonly Pick<RateLimitRequest, 'key' | 'limit' | 'periodMs' | 'burst'>[],
    changes: readonly number[],
  ): Promise<{ now: number; allowed: boolean; tats: (number | undefined)[] }> {
    const keys = limits.map((limit) => this.#keyPrefix + limit.key);
    const parameters = [mode, String(GCRA_EPSILON_MS)];
    limits.forEach((limit, index) => {
      parameters.push(
        String(emissionInterval(limit)),
        String(burstTolerance(limit)),
        String(changes[index] ?? 0),
      );
    });
    const reply = await rateLimitScript.run(this.#client, keys, parameters);
    if (!Array.isArray(reply) || reply.length !== 2 + limits.length) {
      throw new Error('The rate limit script returned an unexpected reply.');
    }
    const values = reply.map((value: unknown) => String(value));
    return {
      now: Number(values[0]),
      allowed: values[1] === '1',
      tats: values.slice(2).map((value) => (value === '' ? undefined : Number(value))),
    };
  }
}
