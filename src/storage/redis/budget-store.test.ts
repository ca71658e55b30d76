import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { useRedisTestClients } from '../../../test/helpers/redis-test-clients.ts';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import { PostgresSqlDatabase } from '../postgres/postgres-sql-database.ts';
import type { LedgerEntry } from '../ports.ts';
import { RedisBudgetStore, type RedisBudgetClient } from './budget-store.ts';

const schemas = usePostgresTestSchemas();
const redis = useRedisTestClients();

runBudgetStoreConformance('redis + postgres', async () => {
  const prefix = `${redis.runPrefix}${randomUUID()}:budget:`;
  const schema = await schemas.freshSchema();
  const client = await redis.connect();
  const ledger = new PostgresSqlDatabase(await schemas.openPool(schema));
  return {
    store: new RedisBudgetStore({ client, ledger, keyPrefix: prefix }),
    reopen: async () =>
      new RedisBudgetStore({
        client: await redis.connect(),
        ledger: new PostgresSqlDatabase(await schemas.openPool(schema)),
        keyPrefix: prefix,
      }),
    forgetCounters: async () => {
      const keys = await client.keys(`${prefix}counter:*`);
      if (keys.length > 0) await client.del(keys);
    },
  };
});

describe('RedisBudgetStore while Redis is down', () => {
  /** The start of the current UTC day: counters of past periods expire at once. */
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  /** A client whose every command fails, as node-redis' do while it is disconnected. */
  const down = (): RedisBudgetClient => {
    const fail = (): Promise<never> => Promise.reject(new Error('The client is closed'));
    return { evalSha: fail, scriptLoad: fail, hGetAll: fail, zRangeByScore: fail };
  };
  /**
   * A client that passes calls to a real one until `setDown(true)`, then fails them as a
   * disconnected node-redis client does, counting the calls it failed.
   */
  const switchable = (real: RedisBudgetClient) => {
    let isDown = false;
    let callsWhileDown = 0;
    const fail = (): Promise<never> => {
      callsWhileDown += 1;
      return Promise.reject(new Error('The client is closed'));
    };
    const client: RedisBudgetClient = {
      evalSha: (sha1, options) => (isDown ? fail() : real.evalSha(sha1, options)),
      scriptLoad: (script) => (isDown ? fail() : real.scriptLoad(script)),
      hGetAll: (key) => (isDown ? fail() : real.hGetAll(key)),
      zRangeByScore: (key, min, max, options) =>
        isDown ? fail() : real.zRangeByScore(key, min, max, options),
    };
    return {
      client,
      setDown: (value: boolean) => {
        isDown = value;
      },
      callsWhileDown: () => callsWhileDown,
    };
  };
  const row = (requestId: string, heldBudget: boolean | undefined): LedgerEntry => ({
    requestId,
    atMs: today + 1,
    subject: { keyId: 'key_down', user: null, org: 'default', team: null, tags: [], model: 'm' },
    provider: 'mock',
    deployment: 'mock-1',
    upstreamModel: 'echo',
    inputTokens: 1,
    outputTokens: 2,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos: 5,
    estimated: false,
    outcome: 'completed',
    heldBudget,
  });

  it('writes the rows of requests that held no budget without touching Redis', async () => {
    const ledger = new PostgresSqlDatabase(await schemas.openPool());
    const store = new RedisBudgetStore({ client: down(), ledger });
    const ids = [randomUUID(), randomUUID()];
    // Before the fix every row waited for Redis, so the ledger backlog filled during an outage
    // and the gateway refused even requests no budget applies to.
    expect(await store.settle(ids.map((id) => row(id, false)))).toEqual([true, true]);
    for (const id of ids) expect((await store.findLedgerEntry(id))?.costNanos).toBe(5);
  });

  it('writes a held row while Redis is down and applies it to the counters once Redis is back', async () => {
    const redisLink = switchable(await redis.connect());
    redisLink.setDown(true);
    const ledger = new PostgresSqlDatabase(await schemas.openPool());
    const store = new RedisBudgetStore({
      client: redisLink.client,
      ledger,
      keyPrefix: `${redis.runPrefix}${randomUUID()}:budget:`,
    });
    const day = today;
    const line = {
      key: 'key:key_down:day:1',
      scope: 'key' as const,
      subject: 'key_down',
      startMs: day,
      endMs: day + 86_400_000,
      limitNanos: 1_000,
      hard: true,
    };
    redisLink.setDown(false);
    const id = randomUUID();
    const held = await store.reserve({
      requestId: id,
      atMs: day + 1,
      subject: row(id, true).subject,
      lines: [line],
      maxNanos: 100,
      minNanos: 10,
      expiresAtMs: day + 3_600_000,
    });
    expect(held.allowed).toBe(true);
    redisLink.setDown(true);
    // Before the fix settle rejected after the commit, so the writer retried the whole batch and
    // every later row (budgeted or not) waited behind it until Redis came back.
    expect(await store.settle([row(id, true)])).toEqual([true]);
    expect((await store.findLedgerEntry(id))?.costNanos).toBe(5);
    redisLink.setDown(false);
    expect(await store.settle([row(randomUUID(), false)])).toEqual([true]);
    expect(await store.lineStates([line])).toMatchObject([{ spentNanos: 5, reservedNanos: 0 }]);
  });

  it('stops calling Redis for a batch once a call fails, and applies every row when it is back', async () => {
    const redisLink = switchable(await redis.connect());
    const store = new RedisBudgetStore({
      client: redisLink.client,
      ledger: new PostgresSqlDatabase(await schemas.openPool()),
      keyPrefix: `${redis.runPrefix}${randomUUID()}:budget:`,
    });
    const line = {
      key: 'key:key_down:day:batch',
      scope: 'key' as const,
      subject: 'key_down',
      startMs: today,
      endMs: today + 86_400_000,
      limitNanos: 1_000_000,
      hard: true,
    };
    const ids = Array.from({ length: 200 }, () => randomUUID());
    for (const id of ids) {
      const held = await store.reserve({
        requestId: id,
        atMs: today + 1,
        subject: row(id, true).subject,
        lines: [line],
        maxNanos: 100,
        minNanos: 10,
        expiresAtMs: today + 3_600_000,
      });
      expect(held.allowed).toBe(true);
    }
    redisLink.setDown(true);
    expect(await store.settle(ids.map((id) => row(id, true)))).toEqual(ids.map(() => true));
    // One slice of calls found Redis away; the other rows waited without a call each.
    expect(redisLink.callsWhileDown()).toBeGreaterThan(0);
    expect(redisLink.callsWhileDown()).toBeLessThan(ids.length);
    redisLink.setDown(false);
    expect(await store.settle([row(randomUUID(), false)])).toEqual([true]);
    expect(await store.lineStates([line])).toMatchObject([
      { spentNanos: 5 * ids.length, reservedNanos: 0 },
    ]);
  });
});
