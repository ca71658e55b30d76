import type {
  BudgetLine,
  BudgetLineState,
  BudgetReservation,
  BudgetReservationRequest,
  BudgetStore,
  ExpiredHold,
  LedgerEntry,
  SpendSubject,
  SpendQuery,
  SpendRow,
} from '../ports.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { SqlDatabase } from '../sql/sql-database.ts';
import {
  findLedgerEntry,
  findLedgerSequences,
  firstEntryPerRequest,
  insertLedgerEntries,
  reportSpend,
  sumLedgerLine,
} from '../sql/sql-spend-ledger.ts';
import { redisDeadlineMs, withRedisDeadline } from './redis-deadline.ts';
import { RedisScript, type RedisScriptClient } from './redis-script.ts';

/** Integers as Redis wants them: never in exponent notation. */
const luaHelpers = `
local function int(x) return string.format('%d', x) end
`;

/**
 * Checks every counter and holds the amount on all of them, or on none. KEYS: the counters, the
 * hold, the hold index. ARGV: max, min, request id, line keys (JSON), subject (JSON), start time,
 * hold expiry, then per counter its limit and whether it is hard. Replies `missing` and the
 * indexes of counters that do not exist (build them from the ledger, then call again),
 * `refused` and the refusing index, or `ok` and the amount held; then each counter's spent and
 * reserved amounts.
 */
const reserveScript = new RedisScript(`${luaHelpers}
local n = #KEYS - 2
local spent, reserved, missing = {}, {}, {}
for i = 1, n do
  local value = redis.call('HMGET', KEYS[i], 'spent', 'reserved')
  if not value[1] then missing[#missing + 1] = tostring(i) end
  spent[i] = tonumber(value[1] or '0')
  reserved[i] = tonumber(value[2] or '0')
end
if #missing > 0 then
  table.insert(missing, 1, 'missing')
  return missing
end
local available = tonumber(ARGV[1])
local refused = 0
for i = 1, n do
  if ARGV[7 + i * 2] == '1' then
    local left = tonumber(ARGV[6 + i * 2]) - spent[i] - reserved[i]
    if left < available then
      available = left
      refused = i
    end
  end
end
local reply
if available < tonumber(ARGV[2]) or available < 0 then
  reply = {'refused', tostring(refused)}
  available = 0
else
  if redis.call('EXISTS', KEYS[n + 1]) == 1 then
    return redis.error_reply('a hold for this request id exists')
  end
  for i = 1, n do
    redis.call('HINCRBY', KEYS[i], 'reserved', int(available))
    reserved[i] = reserved[i] + available
  end
  redis.call('HSET', KEYS[n + 1], 'amount', int(available), 'lines', ARGV[4],
    'subject', ARGV[5], 'at', ARGV[6])
  redis.call('ZADD', KEYS[n + 2], ARGV[7], ARGV[3])
  reply = {'ok', int(available)}
end
for i = 1, n do
  reply[#reply + 1] = int(spent[i])
  reply[#reply + 1] = int(reserved[i])
end
return reply
`);

/**
 * Creates a counter from the ledger unless it exists. KEYS: the counter. ARGV: spent, the ledger
 * sequence number it includes rows up to, and its expiry time (empty for none).
 */
const seedScript = new RedisScript(`
if redis.call('HSETNX', KEYS[1], 'spent', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'reserved', '0', 'seq', ARGV[2])
  if ARGV[3] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
end
return 1
`);

/**
 * Applies one ledger row to the counters, once: a marker key makes a repeated call a no-op.
 * Releases the request's hold (if Redis still has it) and adds the cost to every counter built
 * before the row was written (a counter built from the ledger after it already holds it).
 * KEYS: the marker, the hold, the hold index, the counters. ARGV: request id, cost, the row's
 * sequence number, the marker's lifetime.
 */
const settleScript = new RedisScript(`${luaHelpers}
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[4]) then return 0 end
local amount = tonumber(redis.call('HGET', KEYS[2], 'amount') or '-1')
local cost = tonumber(ARGV[2])
local seq = tonumber(ARGV[3])
for i = 4, #KEYS do
  local value = redis.call('HMGET', KEYS[i], 'seq', 'reserved')
  if value[1] then
    if amount >= 0 then
      local left = tonumber(value[2] or '0') - amount
      if left < 0 then left = 0 end
      redis.call('HSET', KEYS[i], 'reserved', int(left))
    end
    if tonumber(value[1]) < seq then redis.call('HINCRBY', KEYS[i], 'spent', int(cost)) end
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`);

/**
 * Reads counters at one instant. KEYS: the counters. Replies per counter its spent amount (empty
 * when the counter does not exist) and its reserved amount.
 */
const readCountersScript = new RedisScript(`
local reply = {}
for i = 1, #KEYS do
  local value = redis.call('HMGET', KEYS[i], 'spent', 'reserved')
  reply[#reply + 1] = value[1] or ''
  reply[#reply + 1] = value[2] or '0'
end
return reply
`);

/**
 * Claims expired holds for one reaper, atomically: moves up to ARGV[3] members of the hold index
 * (KEYS[1]) scored at or before ARGV[1] to ARGV[2], so no other reaper takes them. Replies their
 * request ids.
 */
const claimScript = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
`);

/** Commands beyond scripts that the store uses. */
export interface RedisBudgetClient extends RedisScriptClient {
  hGetAll(key: string): Promise<Record<string, string>>;
  zRangeByScore(
    key: string,
    min: string | number,
    max: string | number,
    options?: { LIMIT: { offset: number; count: number } },
  ): Promise<string[]>;
}

export interface RedisBudgetStoreOptions {
  /** A connected client; the caller owns its lifecycle. */
  readonly client: RedisBudgetClient;
  /** Where the ledger lives (SQLite or PostgreSQL); the truth the counters are built from. */
  readonly ledger: SqlDatabase;
  /** Prepended to every key (default `signalbox:budget:`). */
  readonly keyPrefix?: string;
  /** How long one Redis call may take before it counts as a failure (default 1 s). */
  readonly timeoutMs?: number;
}

/** How long a settled request's marker stays: longer than any request and its reaping. */
const settledMarkerMs = 7 * 86_400_000;
/** Rows whose Redis calls go out together when settling (see #applyRows). */
const applySliceRows = 64;
/** Counters outlive their period by this much, for requests that settle after it ended. */
const counterGraceMs = 2 * 86_400_000;

/**
 * Budgets with counters and holds in Redis (shared by every replica, changed atomically by Lua)
 * and the ledger in SQL. The ledger row is written first and then applied to the counters once;
 * a counter Redis no longer has is built again from the ledger. If Redis loses a hold, the
 * request's spend still reaches the counters when it settles (or a later rebuild).
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #client: RedisBudgetClient;
  readonly #ledger: SqlDatabase;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  /**
   * Rows written to the ledger whose hold and counters Redis has not taken yet (it failed or did
   * not answer), by request id: applied again before the next settlement, so the ledger queue
   * never waits for Redis. Bounded by the requests Redis admitted before it failed; if the
   * process dies first, the reaper applies them from the holds Redis keeps.
   */
  readonly #unapplied = new Map<string, { readonly costNanos: number; readonly seq: number }>();

  constructor(options: RedisBudgetStoreOptions) {
    this.#client = options.client;
    this.#ledger = options.ledger;
    this.#prefix = options.keyPrefix ?? 'signalbox:budget:';
    this.#timeoutMs = options.timeoutMs ?? redisDeadlineMs;
  }

  /** A Redis call bounded by the deadline (a paused Redis must not hold requests forever). */
  #redis<T>(operation: Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return withRedisDeadline(operation, this.#timeoutMs, onLate);
  }

  #counterKey(key: string): string {
    return `${this.#prefix}counter:${key}`;
  }

  #holdKey(requestId: string): string {
    return `${this.#prefix}hold:${requestId}`;
  }

  get #holdIndex(): string {
    return `${this.#prefix}holds`;
  }

  async #seed(line: BudgetLine): Promise<void> {
    const { spentNanos, seq } = await sumLedgerLine(this.#ledger, this.#ledger.dialect, line);
    await this.#redis(
      seedScript.run(
        this.#client,
        [this.#counterKey(line.key)],
        [
          String(spentNanos),
          String(seq),
          line.endMs === null ? '' : String(line.endMs + counterGraceMs),
        ],
      ),
    );
  }

  async reserve(request: BudgetReservationRequest): Promise<BudgetReservation> {
    if (request.lines.length === 0) {
      return { allowed: true, reservedNanos: request.maxNanos, lines: [], refusedBy: undefined };
    }
    const keys = [
      ...request.lines.map((line) => this.#counterKey(line.key)),
      this.#holdKey(request.requestId),
      this.#holdIndex,
    ];
    const parameters = [
      String(request.maxNanos),
      String(request.minNanos),
      request.requestId,
      JSON.stringify(request.lines.map((line) => line.key)),
      JSON.stringify(request.subject),
      String(request.atMs),
      String(request.expiresAtMs),
      ...request.lines.flatMap((line) => [String(line.limitNanos), line.hard ? '1' : '0']),
    ];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const reply = (await this.#redis(
        reserveScript.run(this.#client, keys, parameters),
        (late) => {
          // A hold placed after the request was refused (503): nobody will settle it, release it.
          if ((late as string[])[0] !== 'ok') return;
          const lineKeys = request.lines.map((line) => line.key);
          this.#apply(request.requestId, lineKeys, 0, 0).catch(() => undefined);
        },
      )) as string[];
      if (reply[0] === 'missing') {
        for (const index of reply.slice(1)) {
          const line = request.lines[Number(index) - 1];
          if (line !== undefined) await this.#seed(line);
        }
        continue;
      }
      const states = request.lines.map((line, index) => ({
        key: line.key,
        limitNanos: line.limitNanos,
        hard: line.hard,
        spentNanos: Number(reply[2 + index * 2]),
        reservedNanos: Number(reply[3 + index * 2]),
      }));
      if (reply[0] === 'ok') {
        return {
          allowed: true,
          reservedNanos: Number(reply[1]),
          lines: states,
          refusedBy: undefined,
        };
      }
      return {
        allowed: false,
        reservedNanos: 0,
        lines: states,
        refusedBy: request.lines[Number(reply[1]) - 1]?.key,
      };
    }
    throw new Error('budget counters kept disappearing while being built from the ledger');
  }

  async #apply(requestId: string, lineKeys: readonly string[], costNanos: number, seq: number) {
    await this.#redis(
      settleScript.run(
        this.#client,
        [
          `${this.#prefix}settled:${requestId}`,
          this.#holdKey(requestId),
          this.#holdIndex,
          ...lineKeys.map((key) => this.#counterKey(key)),
        ],
        [requestId, String(costNanos), String(seq), String(settledMarkerMs)],
      ),
    );
  }

  /**
   * Applies written rows to their hold and counters; what Redis does not take waits in
   * #unapplied. The calls of a slice of rows go out together (the client pipelines calls made
   * in one turn): a hold read per row, then the settle script per row. A slice with a failure
   * ends the attempt, so the rest wait without a call each while Redis is away.
   */
  async #applyRows(rows: readonly { requestId: string; costNanos: number; seq: number }[]) {
    for (const row of rows) {
      this.#unapplied.set(row.requestId, { costNanos: row.costNanos, seq: row.seq });
    }
    for (let from = 0; from < rows.length; from += applySliceRows) {
      const slice = rows.slice(from, from + applySliceRows);
      const outcomes = await Promise.allSettled(
        slice.map(async (row) => {
          const { lines } = await this.#heldLines(row.requestId);
          await this.#apply(row.requestId, lines, row.costNanos, row.seq);
        }),
      );
      slice.forEach((row, index) => {
        if (outcomes[index]?.status === 'fulfilled') this.#unapplied.delete(row.requestId);
      });
      if (outcomes.some((outcome) => outcome.status === 'rejected')) return;
    }
  }

  /** Retries the rows Redis did not take before; true when none is left waiting. */
  async #applyWaiting(): Promise<boolean> {
    if (this.#unapplied.size === 0) return true;
    await this.#applyRows([...this.#unapplied].map(([requestId, row]) => ({ requestId, ...row })));
    return this.#unapplied.size === 0;
  }

  /** The line keys a request holds, read from its hold. */
  async #heldLines(requestId: string): Promise<{ lines: string[]; hold: Record<string, string> }> {
    const hold = await this.#redis(this.#client.hGetAll(this.#holdKey(requestId)));
    const parsed = hold.lines === undefined ? undefined : safeParseJson(hold.lines);
    const lines =
      parsed?.ok === true && Array.isArray(parsed.value)
        ? parsed.value.filter((key): key is string => typeof key === 'string')
        : [];
    return { lines, hold };
  }

  /**
   * Writes the batch's rows in multi-row INSERTs (the first entry of each request; a request
   * already in the ledger keeps its row), then applies each request's row to Redis once.
   */
  async settle(entries: readonly LedgerEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const firsts = firstEntryPerRequest(entries);
    const { inserted, earlier } = await this.#ledger.transaction(async (session) => {
      const inserted = await insertLedgerEntries(session, this.#ledger.dialect, [
        ...firsts.values(),
      ]);
      const missing = [...firsts.keys()].filter((requestId) => !inserted.has(requestId));
      return { inserted, earlier: await findLedgerSequences(session, missing) };
    });
    // The rows are durable: Redis failing now must not hold the ledger queue (and with it every
    // request) back. What Redis does not take is applied on a later call.
    const rows = new Map<string, { requestId: string; costNanos: number; seq: number }>();
    for (const entry of entries) {
      // A request that held nothing has no hold or counter to change: its row is enough.
      if (entry.heldBudget === false || rows.has(entry.requestId)) continue;
      const seq = inserted.get(entry.requestId);
      const row =
        seq === undefined
          ? (earlier.get(entry.requestId) ?? { seq: 0, costNanos: 0 })
          : { seq, costNanos: firsts.get(entry.requestId)?.costNanos ?? entry.costNanos };
      rows.set(entry.requestId, { requestId: entry.requestId, ...row });
    }
    if (await this.#applyWaiting()) await this.#applyRows([...rows.values()]);
    else for (const row of rows.values()) this.#unapplied.set(row.requestId, row);
    const counted = new Set<string>();
    return entries.map((entry) => {
      if (counted.has(entry.requestId) || !inserted.has(entry.requestId)) return false;
      counted.add(entry.requestId);
      return true;
    });
  }

  async claimExpiredHolds(
    nowMs: number,
    claimUntilMs: number,
    max: number,
  ): Promise<ExpiredHold[]> {
    // A claim that lands after the deadline only delays those holds to a later pass.
    const claimed = (await this.#redis(
      claimScript.run(
        this.#client,
        [this.#holdIndex],
        [String(nowMs), String(claimUntilMs), String(max)],
      ),
    )) as string[];
    const holds: ExpiredHold[] = [];
    for (const requestId of claimed) {
      const { hold } = await this.#heldLines(requestId);
      if (hold.amount === undefined) {
        // Settled meanwhile, or lost: nothing is held.
        await this.#apply(requestId, [], 0, 0);
        continue;
      }
      const subject = safeParseJson(hold.subject ?? '{}');
      holds.push({
        requestId,
        atMs: Number(hold.at),
        amountNanos: Number(hold.amount),
        subject: (subject.ok ? subject.value : {}) as SpendSubject,
      });
    }
    return holds;
  }

  /** The counters at one instant (one script), built from the ledger first where missing. */
  async lineStates(lines: readonly BudgetLine[]): Promise<BudgetLineState[]> {
    if (lines.length === 0) return [];
    const keys = lines.map((line) => this.#counterKey(line.key));
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const reply = (await this.#redis(readCountersScript.run(this.#client, keys, []))) as string[];
      const missing = lines.filter((_, index) => reply[index * 2] === '');
      if (missing.length === 0) {
        return lines.map((line, index) => ({
          key: line.key,
          limitNanos: line.limitNanos,
          hard: line.hard,
          spentNanos: Number(reply[index * 2]),
          reservedNanos: Number(reply[index * 2 + 1] ?? 0),
        }));
      }
      for (const line of missing) await this.#seed(line);
    }
    throw new Error('budget counters kept disappearing while being read');
  }

  spendReport(query: SpendQuery): Promise<SpendRow[]> {
    return reportSpend(this.#ledger, this.#ledger.dialect, query);
  }

  findLedgerEntry(requestId: string): Promise<LedgerEntry | undefined> {
    return findLedgerEntry(this.#ledger, requestId);
  }
}
