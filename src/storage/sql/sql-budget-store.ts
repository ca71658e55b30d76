import type {
  BudgetLine,
  BudgetLineState,
  BudgetReservation,
  BudgetReservationRequest,
  BudgetStore,
  LedgerEntry,
  SpendQuery,
  SpendRow,
  ExpiredHold,
  SpendSubject,
} from '../ports.ts';
import { safeParseJson } from '../../lib/json.ts';
import { TurnBatcher } from '../../lib/turn-batcher.ts';
import type { SqlDatabase, SqlDialect, SqlSession, SqlValue } from './sql-database.ts';
import {
  placeholderList,
  rowPlaceholders,
  statementChunks,
  textPerRowCount,
} from './statement-chunks.ts';
import {
  findLedgerEntry,
  firstEntryPerRequest,
  insertLedgerEntries,
  reportSpend,
  sumLedgerLine,
} from './sql-spend-ledger.ts';

interface CounterRow {
  spent_nanos: number | string;
  reserved_nanos: number | string;
}

/** A reservation as a settle deletes it. */
interface ClosedReservationRow {
  request_id: string;
  amount_nanos: number | string;
  line_keys: unknown;
}

interface ReservationRow {
  request_id: string;
  at: number | string;
  amount_nanos: number | string;
  line_keys: unknown;
  subject: unknown;
}

/** A JSON column's value: parsed text (SQLite) or the driver's value (PostgreSQL jsonb). */
function readJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const parsed = safeParseJson(value);
  if (!parsed.ok) throw new Error('a stored budget record is not valid JSON');
  return parsed.value;
}

/**
 * How a hold is committed: it is on the request path, so it must survive the gateway process
 * dying (it does, in the write-ahead log) but not wait for the disk; the next ledger batch, which
 * waits, syncs it too. A hold lost to power loss only frees money early.
 */
const holdCommit = { waitForDisk: false } as const;

/** Values per row of budget_reservations; the line keys (the 4th) and the subject are JSON. */
const holdColumns = 6;
const holdJsonColumns = new Set([3, 4]);

/** The INSERT of `rows` reservations in one statement. */
function holdInsertText(dialect: SqlDialect, rows: number): string {
  const values = rowPlaceholders(rows, holdColumns, (param, column) =>
    holdJsonColumns.has(column) ? dialect.json(param) : param,
  );
  return `INSERT INTO budget_reservations (request_id, at, amount_nanos, line_keys, subject, expires_at)
           VALUES ${values}`;
}

/** Code-unit order: the one order every replica locks counters in (no locale). */
function compareKeys(first: string, second: string): number {
  return first < second ? -1 : first > second ? 1 : 0;
}

function byKey(first: BudgetLine, second: BudgetLine): number {
  return compareKeys(first.key, second.key);
}

/** Map entries keyed by counter key, in lock order. */
function inKeyOrder<T>(byCounter: ReadonlyMap<string, T>): [string, T][] {
  return [...byCounter].sort(([first], [second]) => compareKeys(first, second));
}

/**
 * Budgets and the ledger in one SQL database (SQLite or PostgreSQL): counters, reservations and
 * ledger rows change in the same transaction, so they can never disagree. Counters that do not
 * exist yet (a new period, a new budget) are built from the ledger first. Lines are locked in
 * key order, so concurrent reservations never deadlock.
 */
export class SqlBudgetStore implements BudgetStore {
  readonly #database: SqlDatabase;
  /** The INSERT of `rows` reservations (one text per chunk size, built once). */
  readonly #holdInsert: (rows: number) => string;

  constructor(database: SqlDatabase) {
    this.#database = database;
    this.#holdInsert = textPerRowCount((rows) => holdInsertText(database.dialect, rows));
  }

  /** Reads (building from the ledger when missing) and locks each line's counter. */
  async #counters(session: SqlSession, lines: readonly BudgetLine[]): Promise<BudgetLineState[]> {
    const dialect = this.#database.dialect;
    const states: BudgetLineState[] = [];
    for (const line of lines) {
      const select = `SELECT spent_nanos, reserved_nanos FROM budget_counters WHERE line_key = $1 ${dialect.lockRows}`;
      let row = (await session.rows<CounterRow>(select, [line.key]))[0];
      if (row === undefined) {
        const { spentNanos } = await sumLedgerLine(session, dialect, line);
        await session.run(
          `INSERT INTO budget_counters (line_key, spent_nanos, reserved_nanos) VALUES ($1, $2, 0)
           ON CONFLICT (line_key) DO NOTHING`,
          [line.key, spentNanos],
        );
        row = (await session.rows<CounterRow>(select, [line.key]))[0];
      }
      states.push({
        key: line.key,
        limitNanos: line.limitNanos,
        hard: line.hard,
        spentNanos: Number(row?.spent_nanos ?? 0),
        reservedNanos: Number(row?.reserved_nanos ?? 0),
      });
    }
    return states;
  }

  reserve(request: BudgetReservationRequest): Promise<BudgetReservation> {
    if (request.lines.length === 0) {
      return Promise.resolve({
        allowed: true,
        reservedNanos: request.maxNanos,
        lines: [],
        refusedBy: undefined,
      });
    }
    return this.#holds.call(request);
  }

  /**
   * Reserves for the requests of one event-loop turn in one transaction, in arrival order, as
   * if each had its own: every line of the batch is read and locked once, in key order (so
   * batches on other replicas never deadlock with it), each request is decided against the
   * counters as the ones before it left them, and each counter is updated once.
   */
  readonly #holds = new TurnBatcher<BudgetReservationRequest, BudgetReservation>((requests) =>
    this.#database.transaction(async (session) => {
      const lines = new Map<string, BudgetLine>();
      for (const request of requests) {
        for (const line of request.lines) if (!lines.has(line.key)) lines.set(line.key, line);
      }
      const counters = new Map(
        (await this.#counters(session, [...lines.values()].sort(byKey))).map((state) => [
          state.key,
          state,
        ]),
      );
      const added = new Map<string, number>();
      const results: BudgetReservation[] = [];
      /** The reservations to write, one row of values each, in one multi-row INSERT per chunk. */
      const holds: SqlValue[][] = [];
      for (const request of requests) {
        const ordered = [...request.lines].sort(byKey);
        const states = ordered.map((line) => ({
          key: line.key,
          limitNanos: line.limitNanos,
          hard: line.hard,
          spentNanos: counters.get(line.key)?.spentNanos ?? 0,
          reservedNanos: counters.get(line.key)?.reservedNanos ?? 0,
        }));
        const decision = decideReservation(request, states);
        results.push(inRequestOrder(request.lines, decision.states, decision));
        if (!decision.allowed) continue;
        for (const state of decision.states) {
          const counter = counters.get(state.key);
          if (counter !== undefined)
            counters.set(state.key, { ...counter, reservedNanos: state.reservedNanos });
          added.set(state.key, (added.get(state.key) ?? 0) + decision.reservedNanos);
        }
        holds.push([
          request.requestId,
          request.atMs,
          decision.reservedNanos,
          JSON.stringify(ordered.map((line) => line.key)),
          JSON.stringify(request.subject),
          request.expiresAtMs,
        ]);
      }
      // One statement per chunk instead of one per request: on PostgreSQL one round trip while
      // the counters' rows are locked, on SQLite one statement's fixed cost.
      for (const chunk of statementChunks(holds)) {
        await session.run(this.#holdInsert(chunk.length), chunk.flat());
      }
      for (const [key, amount] of inKeyOrder(added)) {
        await session.run(
          'UPDATE budget_counters SET reserved_nanos = reserved_nanos + $2 WHERE line_key = $1',
          [key, amount],
        );
      }
      return results;
    }, holdCommit),
  );

  /**
   * Writes the rows in multi-row INSERTs, then deletes the batch's reservations in a few
   * statements (`statementChunks` for both) and moves each into spend (at its request's cost
   * when its row was written now, at nothing when the request was already in the ledger: that
   * row was counted when written), with one UPDATE per counter, in key order. Only the first of
   * several entries of one request counts.
   */
  settle(entries: readonly LedgerEntry[]): Promise<boolean[]> {
    if (entries.length === 0) {
      return Promise.resolve([]);
    }
    const firsts = firstEntryPerRequest(entries);
    return this.#database.transaction(async (session) => {
      const dialect = this.#database.dialect;
      const inserted = await insertLedgerEntries(session, dialect, [...firsts.values()]);
      const closed: ClosedReservationRow[] = [];
      for (const ids of statementChunks([...firsts.keys()])) {
        closed.push(
          ...(await session.rows<ClosedReservationRow>(
            `DELETE FROM budget_reservations
             WHERE request_id IN (${placeholderList(ids.length)})
             RETURNING request_id, amount_nanos, line_keys`,
            ids,
          )),
        );
      }
      const changes = new Map<string, { released: number; spent: number }>();
      for (const reservation of closed) {
        const amount = Number(reservation.amount_nanos);
        const cost = inserted.has(reservation.request_id)
          ? (firsts.get(reservation.request_id)?.costNanos ?? 0)
          : 0;
        for (const key of readJson(reservation.line_keys) as string[]) {
          const change = changes.get(key) ?? { released: 0, spent: 0 };
          change.released += amount;
          change.spent += cost;
          changes.set(key, change);
        }
      }
      for (const [key, change] of inKeyOrder(changes)) {
        await session.run(
          `UPDATE budget_counters
           SET reserved_nanos = CASE WHEN reserved_nanos > $2 THEN reserved_nanos - $2 ELSE 0 END,
               spent_nanos = spent_nanos + $3
           WHERE line_key = $1`,
          [key, change.released, change.spent],
        );
      }
      const counted = new Set<string>();
      return entries.map((entry) => {
        if (counted.has(entry.requestId) || !inserted.has(entry.requestId)) return false;
        counted.add(entry.requestId);
        return true;
      });
    });
  }

  async claimExpiredHolds(
    nowMs: number,
    claimUntilMs: number,
    max: number,
  ): Promise<ExpiredHold[]> {
    const skipLocked = this.#database.dialect.name === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    // One statement: a hold another reaper claimed first has moved past `nowMs` and is skipped.
    const rows = await this.#database.rows<ReservationRow>(
      `UPDATE budget_reservations SET expires_at = $2
       WHERE request_id IN (
         SELECT request_id FROM budget_reservations WHERE expires_at <= $1
         ORDER BY expires_at LIMIT $3 ${skipLocked})
       RETURNING request_id, at, amount_nanos, line_keys, subject`,
      [nowMs, claimUntilMs, max],
    );
    return rows.map((row) => ({
      requestId: row.request_id,
      atMs: Number(row.at),
      amountNanos: Number(row.amount_nanos),
      subject: readJson(row.subject) as SpendSubject,
    }));
  }

  lineStates(lines: readonly BudgetLine[]): Promise<BudgetLineState[]> {
    const ordered = [...lines].sort(byKey);
    return this.#database.transaction(async (session) => {
      const states = await this.#counters(session, ordered);
      const byKey = new Map(states.map((state) => [state.key, state]));
      return lines.flatMap((line) => byKey.get(line.key) ?? []);
    });
  }

  spendReport(query: SpendQuery): Promise<SpendRow[]> {
    return reportSpend(this.#database, this.#database.dialect, query);
  }

  findLedgerEntry(requestId: string): Promise<LedgerEntry | undefined> {
    return findLedgerEntry(this.#database, requestId);
  }
}

/** Whether the hard lines leave room for at least `minNanos`, and how much to hold. Pure. */
export function decideReservation(
  request: BudgetReservationRequest,
  states: readonly BudgetLineState[],
): {
  allowed: boolean;
  reservedNanos: number;
  refusedBy: string | undefined;
  states: BudgetLineState[];
} {
  let available = request.maxNanos;
  let tightest: string | undefined;
  for (const state of states) {
    if (!state.hard) continue;
    const left = state.limitNanos - state.spentNanos - state.reservedNanos;
    if (left < available) {
      available = left;
      tightest = state.key;
    }
  }
  if (available < request.minNanos || available < 0) {
    return { allowed: false, reservedNanos: 0, refusedBy: tightest, states: [...states] };
  }
  return {
    allowed: true,
    reservedNanos: available,
    refusedBy: undefined,
    states: states.map((state) => ({
      ...state,
      reservedNanos: state.reservedNanos + available,
    })),
  };
}

function inRequestOrder(
  lines: readonly BudgetLine[],
  states: readonly BudgetLineState[],
  decision: { allowed: boolean; reservedNanos: number; refusedBy: string | undefined },
): BudgetReservation {
  const byLine = new Map(states.map((state) => [state.key, state]));
  return {
    allowed: decision.allowed,
    reservedNanos: decision.reservedNanos,
    refusedBy: decision.refusedBy,
    lines: lines.flatMap((line) => byLine.get(line.key) ?? []),
  };
}
