// What reserving budget for the requests of one event-loop turn costs: 16 reservations made
// together on one budget line (the store writes them in one transaction), through the SQL budget
// store on SQLite (a temporary file) and, when a URL is given, on PostgreSQL (a throwaway schema,
// dropped at the end). The figure is the median time per batch, the time the line's counter is
// locked.
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
import type { BudgetLine, BudgetReservationRequest } from '../src/storage/ports.ts';
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

async function measure(name: string, store: SqlBudgetStore): Promise<void> {
  const times: number[] = [];
  for (let batch = 0; batch < batches; batch += 1) {
    const requests = Array.from({ length: perBatch }, reservation);
    const started = performance.now();
    await Promise.all(requests.map((request) => store.reserve(request)));
    times.push((performance.now() - started) * 1000);
  }
  console.log(
    `${name}: ${String(perBatch)} reservations in one turn: ${median(times).toFixed(0)} µs per batch (median of ${String(batches)})`,
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
