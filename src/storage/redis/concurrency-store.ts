import {
  validateConcurrencyAcquire,
  validateConcurrencyKeys,
  validateLeaseId,
  validateLeaseTtl,
} from '../concurrency-validation.ts';
import type {
  ConcurrencyDecision,
  ConcurrencyLease,
  ConcurrencyRequest,
  ConcurrencyStore,
} from '../ports.ts';
import { RedisScript, type RedisScriptClient } from './redis-script.ts';

export type { RedisScriptClient } from './redis-script.ts';

/**
 * Shared by the scripts below: `now` in whole milliseconds from the server's `TIME` (so every
 * gateway process shares one clock), and `expire_at_latest`, which sets a key's expiry to its
 * latest lease expiry so an idle key vanishes by itself. Each key is a sorted set: member = lease
 * id, score = expiry in ms since the epoch; a lease with score <= now has expired. Redis deletes
 * a sorted set when its last member goes, so a key with no leases does not exist.
 */
const PRELUDE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function expire_at_latest(key)
  local latest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if latest[2] then
    redis.call('PEXPIRE', key, string.format('%d', math.max(1, tonumber(latest[2]) - now)))
  end
end
`;

/**
 * `acquire`: drops expired leases on every key, checks every key (room, or the lease already
 * there), and only if all admit adds the lease to all of them at `now + ttl`.
 * ARGV: lease id, ttl ms, then one limit per key. Returns: 1 or 0 (allowed), then each key's live
 * lease count after the call.
 */
export const CONCURRENCY_ACQUIRE_SCRIPT = `${PRELUDE}
local lease = ARGV[1]
local expiry = string.format('%d', now + tonumber(ARGV[2]))
local allowed = 1
local counts = {}
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now))
  counts[i] = redis.call('ZCARD', KEYS[i])
  local held = redis.call('ZSCORE', KEYS[i], lease)
  if not held and counts[i] >= tonumber(ARGV[2 + i]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, #KEYS do
    counts[i] = counts[i] + redis.call('ZADD', KEYS[i], expiry, lease)
    expire_at_latest(KEYS[i])
  end
end
local result = {allowed}
for i = 1, #KEYS do result[#result + 1] = counts[i] end
return result
`;

/** `release`: removes the lease and any expired leases from every key. ARGV: lease id. */
export const CONCURRENCY_RELEASE_SCRIPT = `${PRELUDE}
for i = 1, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now))
end
return 0
`;

/**
 * `renew`: on every key where the lease is live, sets its expiry to `now + ttl`.
 * ARGV: lease id, ttl ms. Returns the number of keys on which the lease was renewed.
 */
export const CONCURRENCY_RENEW_SCRIPT = `${PRELUDE}
local lease = ARGV[1]
local expiry = string.format('%d', now + tonumber(ARGV[2]))
local renewed = 0
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now))
  if redis.call('ZSCORE', KEYS[i], lease) then
    redis.call('ZADD', KEYS[i], 'XX', expiry, lease)
    expire_at_latest(KEYS[i])
    renewed = renewed + 1
  end
end
return renewed
`;

const acquireScript = new RedisScript(CONCURRENCY_ACQUIRE_SCRIPT);
const releaseScript = new RedisScript(CONCURRENCY_RELEASE_SCRIPT);
const renewScript = new RedisScript(CONCURRENCY_RENEW_SCRIPT);

/** Options for {@link RedisConcurrencyStore}. */
export interface RedisConcurrencyStoreOptions {
  /** A connected client; the caller owns its lifecycle. */
  readonly client: RedisScriptClient;
  /**
   * Prepended to every key (default `signalbox:concurrency:`). On Redis Cluster, one script may
   * only touch one hash slot: use a hash tag (`{signalbox}:concurrency:`) or keep every call's
   * keys in one slot.
   */
  readonly keyPrefix?: string;
}

/**
 * A {@link ConcurrencyStore} in Redis, shared by every gateway process connected to it, timed by
 * the Redis server's clock. Each key is a sorted set of lease ids scored by expiry, expiring
 * itself at its latest lease expiry. One Lua script per operation runs each call atomically; each
 * is called by SHA1 and loaded once on `NOSCRIPT`. Rejects when Redis fails; it never admits on
 * error (fail-open or fail-closed is the caller's choice).
 */
export class RedisConcurrencyStore implements ConcurrencyStore {
  readonly #client: RedisScriptClient;
  readonly #keyPrefix: string;

  constructor(options: RedisConcurrencyStoreOptions) {
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix ?? 'signalbox:concurrency:';
  }

  async acquire(
    requests: readonly ConcurrencyRequest[],
    lease: ConcurrencyLease,
  ): Promise<ConcurrencyDecision> {
    validateConcurrencyAcquire(requests, lease);
    if (requests.length === 0) return { allowed: true, limits: [] };
    const reply = await acquireScript.run(
      this.#client,
      this.#keys(requests.map((request) => request.key)),
      [lease.id, String(lease.ttlMs), ...requests.map((request) => String(request.limit))],
    );
    if (!Array.isArray(reply) || reply.length !== 1 + requests.length) {
      throw new Error('The concurrency acquire script returned an unexpected reply.');
    }
    const values = reply.map((value: unknown) => Number(value));
    return {
      allowed: values[0] === 1,
      limits: requests.map((request, index) => ({
        key: request.key,
        limit: request.limit,
        inFlight: values[index + 1] ?? 0,
      })),
    };
  }

  async release(keys: readonly string[], leaseId: string): Promise<void> {
    validateConcurrencyKeys(keys);
    validateLeaseId(leaseId);
    if (keys.length === 0) return;
    await releaseScript.run(this.#client, this.#keys(keys), [leaseId]);
  }

  async renew(keys: readonly string[], leaseId: string, ttlMs: number): Promise<boolean> {
    validateConcurrencyKeys(keys);
    validateLeaseId(leaseId);
    validateLeaseTtl(ttlMs);
    if (keys.length === 0) return true;
    const reply = await renewScript.run(this.#client, this.#keys(keys), [leaseId, String(ttlMs)]);
    if (typeof reply !== 'number') {
      throw new Error('The concurrency renew script returned an unexpected reply.');
    }
    return reply === keys.length;
  }

  #keys(keys: readonly string[]): string[] {
    return keys.map((key) => this.#keyPrefix + key);
  }
}
