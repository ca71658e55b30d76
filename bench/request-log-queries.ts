// How fast the request log answers the console's queries with 100 000 rows in SQLite: seeds a
// temporary state database, then prints the median of 5 runs of each query. Run with
// `./node_modules/.bin/node bench/request-log-queries.ts [rows]`. Not a test: figures vary by
// machine; docs/request-log.md records what they were.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestLogRow } from '../src/storage/request-log-store.ts';
import { openSqliteDatabase } from '../src/storage/sqlite/open-sqlite-database.ts';
import { createSqliteRequestLogStore } from '../src/storage/sqlite/request-log-store.ts';
import { SqliteSqlDatabase } from '../src/storage/sqlite/sqlite-sql-database.ts';

const rowCount = Number(process.argv[2] ?? 100_000);
const day = 86_400_000;
const now = Date.UTC(2026, 10, 22, 12);
const models = ['fast', 'smart', 'cheap', 'vision', 'embed', 'long', 'code', 'chat'];

// A small deterministic generator: the same rows on every run.
let state = 42;
function next(): number {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state / 2_147_483_648;
}
function pick<T>(values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

function seedRow(index: number): RequestLogRow {
  // Spread over 30 days, denser toward now (like real traffic that grew).
  const at = now - Math.floor(Math.pow(next(), 2) * 30 * day);
  const failed = next() < 0.03;
  const model = pick(models);
  return {
    requestId: `req_${index.toString(36).padStart(8, '0')}`,
    at,
    method: 'POST',
    route: '/v1/chat/completions',
    status: failed ? 502 : 200,
    outcome: failed ? 'upstream-error' : 'completed',
    keyId: `key_${String(Math.floor(next() * 200))}`,
    // One organisation: the embedded default, and the worst case for the org-scoped queries.
    org: 'default',
    team: pick(['red', 'blue', 'green', null]),
    userId: `user_${String(Math.floor(next() * 500))}`,
    requestedModel: model,
    provider: 'mock',
    deployment: `mock/${model}`,
    upstreamModel: `${model}-1`,
    stream: next() < 0.5,
    inputTokens: Math.floor(next() * 4000),
    outputTokens: Math.floor(next() * 1000),
    cacheReadTokens: null,
    cacheWriteTokens: null,
    costNanos: Math.floor(next() * 5_000_000),
    durationMs: Math.round(next() * 3000 * 1000) / 1000,
    upstreamMs: Math.round(next() * 2500 * 1000) / 1000,
    errorCode: failed ? 'SB_ERR_UPSTREAM_ERROR' : null,
    routeReason: 'priority',
    cache: null,
    detail: JSON.stringify({
      decision: { strategy: 'priority', candidates: [{ deployment: `mock/${model}` }] },
      attempts: [{ deployment: `mock/${model}`, status: failed ? 502 : 200 }],
      finish_reasons: ['stop'],
    }),
    // A fifth of the traffic names a prompt, split over three versions; from the index, so the
    // generator's sequence (and every other column) stays what it was.
    promptId: index % 5 === 0 ? 'support-answer' : null,
    promptVersion: index % 5 === 0 ? 1 + (index % 3) : null,
  };
}

const directory = mkdtempSync(join(tmpdir(), 'signalbox-request-log-bench-'));
try {
  const database = openSqliteDatabase(join(directory, 'state'));
  const store = await createSqliteRequestLogStore(new SqliteSqlDatabase(database));
  // Rows reach the log as requests finish, so the table fills in time order: seed it that way.
  const seeded = Array.from({ length: rowCount }, (_, index) => seedRow(index)).sort(
    (left, right) => left.at - right.at,
  );
  const seedStart = performance.now();
  for (let start = 0; start < rowCount; start += 100) {
    await store.append(seeded.slice(start, start + 100));
  }
  const seedMs = performance.now() - seedStart;
  // No ANALYZE: a gateway never runs it, so the planner works as it does in production.
  const middleId = `req_${Math.floor(rowCount / 2)
    .toString(36)
    .padStart(8, '0')}`;

  // What the admin API runs: every query is scoped to the caller's organisation.
  const org = 'default';
  const queries: [string, () => Promise<unknown>][] = [
    ['search, first page (50)', () => store.search({ org }, 50)],
    ['search, key filter (50)', () => store.search({ org, keyId: 'key_7' }, 50)],
    ['search, team filter (50)', () => store.search({ org, team: 'blue' }, 50)],
    [
      'search, model + 7 days (50)',
      () => store.search({ org, model: 'smart', fromMs: now - 7 * day }, 50),
    ],
    ['search, status 502 (50)', () => store.search({ org, status: 502 }, 50)],
    ['search, unscoped (50)', () => store.search({}, 50)],
    [
      'search, page 3 by cursor',
      async () => {
        let page = await store.search({ org }, 50);
        for (let index = 0; index < 2; index += 1) {
          const last = page.at(-1)!;
          page = await store.search({ org }, 50, { at: last.at, requestId: last.requestId });
        }
      },
    ],
    ['get by request id', () => store.get(middleId)],
    [
      'stats, 24 h by minute',
      () => store.stats({ fromMs: now - day, toMs: now + 1 }, 60_000, { org }),
    ],
    [
      'stats, 30 days by day',
      () => store.stats({ fromMs: now - 30 * day, toMs: now + 1 }, day, { org }),
    ],
    [
      'stats, 30 days by day, one team',
      () => store.stats({ fromMs: now - 30 * day, toMs: now + 1 }, day, { org, team: 'blue' }),
    ],
    [
      'stats, 30 days by day, one key',
      () => store.stats({ fromMs: now - 30 * day, toMs: now + 1 }, day, { org, keyId: 'key_7' }),
    ],
    [
      'stats, 30 days by day, unscoped',
      () => store.stats({ fromMs: now - 30 * day, toMs: now + 1 }, day, {}),
    ],
    [
      'prompt version stats, 30 days',
      () => store.promptVersionStats('support-answer', now - 30 * day, now + 1),
    ],
  ];
  console.log(
    `seeded ${String(rowCount)} rows in ${seedMs.toFixed(0)} ms (${(seedMs / Math.ceil(rowCount / 100)).toFixed(1)} ms per 100-row transaction, the writer's largest)`,
  );
  const inLastDay = await store.stats({ fromMs: now - day, toMs: now + 1 }, day, {});
  console.log(`rows in the last 24 h: ${String(inLastDay.totals.requests)}`);
  for (const [name, query] of queries) {
    const times: number[] = [];
    await query(); // warm the statement cache
    for (let run = 0; run < 5; run += 1) {
      const start = performance.now();
      await query();
      times.push(performance.now() - start);
    }
    times.sort((left, right) => left - right);
    console.log(`${name.padEnd(34)} median ${times[2]!.toFixed(2).padStart(8)} ms`);
  }
  database.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
