// What reserving budget for the requests of one event-loop turn costs: 16 reservations made
// together on one budget line (the store writes them in one transaction), through the SQL budget
// store on SQLite (a temporary file) and, when a URL is given, on PostgreSQL (a throwaway schema,
// dropped at the end). The figure is the median time per batch, the time the line's counter is
// locked. Then what settling them costs: the 16 ledger rows written and their holds deleted in one
// transaction, as the ledger writer does, one batch behind the reservations.
//
// Run: node bench/budget-hold-batch.ts [--batches N] [--postgres postgres://...]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createPostgresPool,
  openPostgresDatabase,
} from '../src/storage/postgres/open-postgres-database.ts';
import { PostgresSqlDatabase } from '../src/storage/postgres/postgres-sql-database.ts';
import type { BudgetLine, BudgetReservationRequest, LedgerEntry } from '../src/storage/ports.ts';
import { SqlBudgetStore } from '../src/storage/sql/sql-budget-store.ts';
import { openSqliteDatabase } from '../src/storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../src/storage/sqlite/sqlite-sql-database.ts';
import { median } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '300' },
    postgres: { type: 'string' },
  },
});
const batches = Number(values.batches);
const perBatch = 16;

const line: BudgetLine = {
  key: 'key:bench:day:2026-11-24',
  scope: 'key',
  subject: 'bench',
  startMs: 0,
  endMs: null,
  limitNanos: 1e15,
  hard: true,
};
let next = 0;
function reservation(): BudgetReservationRequest {
  next += 1;
  return {
    requestId: `req_bench_${String(next)}`,
    atMs: Date.now(),
    lines: [line],
    maxNanos: 1000,
    minNanos: 1000,
    expiresAtMs: Date.now() + 600_000,
    subject: { keyId: 'bench', user: null, org: 'default', team: null, tags: [], model: 'fast' },
  };
}

/** The ledger row of a reserved request, as the gateway writes it once the request ends. */
function ledgerEntry(request: BudgetReservationRequest): LedgerEntry {
  return {
    requestId: request.requestId,
    atMs: request.atMs,
    subject: request.subject,
    provider: 'upstream',
    deployment: 'upstream/fast',
    upstreamModel: 'fast',
    inputTokens: 6,
    outputTokens: 4,
    cacheReadTokens: 0,
    cacheWriteTokens: null,
    reasoningTokens: 0,
    costNanos: 1400,
    estimated: false,
    outcome: 'completed',
  };
}

async function measure(name: string, store: SqlBudgetStore): Promise<void> {
  const reserving: number[] = [];
  const settling: number[] = [];
  let held: BudgetReservationRequest[] = [];
  for (let batch = 0; batch < batches; batch += 1) {
    const requests = Array.from({ length: perBatch }, reservation);
    const started = performance.now();
    await Promise.all(requests.map((request) => store.reserve(request)));
    reserving.push((performance.now() - started) * 1000);
    // The batch before this one ends now: a few holds stay in the table, as under load.
    if (held.length > 0) {
      const settleStarted = performance.now();
      await store.settle(held.map(ledgerEntry));
      settling.push((performance.now() - settleStarted) * 1000);
    }
    held = requests;
  }
  console.log(
    `${name}: ${String(perBatch)} reservations in one turn: ${median(reserving).toFixed(0)} µs per batch; settling ${String(perBatch)}: ${median(settling).toFixed(0)} µs per batch (medians of ${String(batches)})`,
  );
}

const directory = mkdtempSync(join(tmpdir(), 'signalbox-hold-bench-'));
try {
  const sqlite = new SqliteSqlDatabase(openSqliteDatabase(join(directory, 'state')), {
    lockWaitMs: 5_000,
  });
  await measure('sqlite', new SqlBudgetStore(sqlite));
  await sqlite.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}

if (values.postgres !== undefined) {
  const url = values.postgres;
  const schema = `sb_hold_bench_${randomBytes(4).toString('hex')}`;
  const admin = createPostgresPool({ url, maxConnections: 1 });
  await admin.query(`CREATE SCHEMA "${schema}"`);
  try {
    const pool = await openPostgresDatabase({ url, schema, maxConnections: 4 });
    await measure('postgres', new SqlBudgetStore(new PostgresSqlDatabase(pool)));
    await pool.end();
  } finally {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  }
}
