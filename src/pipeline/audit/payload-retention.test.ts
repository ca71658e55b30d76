import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlAuditLogStore } from '../../storage/sql/sql-audit-log-store.ts';
import { SqlAuditPayloadStore } from '../../storage/sql/sql-audit-payload-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { buildAuditRecords } from './audit-record.ts';
import { expiredBoundary, purgeExpiredPayloads } from './payload-retention.ts';

const hour = 3_600_000;

/** A log of `times.length` records written at those times, each with a payload. */
async function logAt(times: readonly number[]) {
  const database = openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'sb-retention-')), 'state'));
  const sql = new SqliteSqlDatabase(database);
  const log = new SqlAuditLogStore(sql);
  const payloads = new SqlAuditPayloadStore(sql);
  await payloads.addTenantKey({
    id: 'k',
    org: 'acme',
    wrapped: { wrappingKeyId: 'w', sealed: Buffer.from('m') },
    createdAt: 0,
    erasedAt: undefined,
  });
  const records = buildAuditRecords(
    undefined,
    times.map((at) => ({ at, kind: 'request', payload: {} })),
  );
  await log.append(
    records,
    records.map((record) => ({
      seq: record.seq,
      requestId: `r${String(record.seq)}`,
      org: 'acme',
      keyId: 'k',
      sealed: Buffer.from('x'),
    })),
  );
  return { log, payloads };
}

describe('payload retention', () => {
  // Ten records, one per hour; checkpoints after 3, 6 and 10 records.
  const times = Array.from({ length: 10 }, (_, index) => index * hour);

  it('finds the last checkpoint whose whole interval is older than the cutoff', async () => {
    const { log } = await logAt(times);
    expect(await expiredBoundary(log, [3, 6, 10], 0)).toBe(0);
    expect(await expiredBoundary(log, [3, 6, 10], 2 * hour)).toBe(0);
    expect(await expiredBoundary(log, [3, 6, 10], 2 * hour + 1)).toBe(3);
    expect(await expiredBoundary(log, [10, 3, 6, 6], 8 * hour)).toBe(6);
    expect(await expiredBoundary(log, [3, 6, 10], 100 * hour)).toBe(10);
    // A checkpoint beyond the log (another log's file) is never taken.
    expect(await expiredBoundary(log, [3, 50], 100 * hour)).toBe(3);
    expect(await expiredBoundary(log, [], 100 * hour)).toBe(0);
  });

  it('purges whole intervals only, keeps every record, and describes the purge as an event', async () => {
    const { log, payloads } = await logAt(times);
    const purged = await purgeExpiredPayloads({
      log,
      payloads,
      checkpointSizes: [3, 6, 10],
      cutoff: 7 * hour,
      retentionMs: 24 * hour,
      now: 31 * hour,
    });
    // Record 6 (hour 6) is older than the cutoff but its interval [6, 10) is not: it stays.
    expect(purged?.purge).toEqual({ beforeSeq: 6, deleted: 6 });
    expect(purged?.event).toEqual({
      at: 31 * hour,
      kind: 'audit.payload_purge',
      payload: { before_seq: 6, deleted: 6, cutoff: 7 * hour, retention_ms: 24 * hour },
    });
    expect((await payloads.list(0, 100)).map((row) => row.seq)).toEqual([6, 7, 8, 9]);
    expect(await log.count()).toBe(10);
    // Nothing more to purge: no second event.
    expect(
      await purgeExpiredPayloads({
        log,
        payloads,
        checkpointSizes: [3, 6, 10],
        cutoff: 7 * hour,
        retentionMs: 24 * hour,
        now: 32 * hour,
      }),
    ).toBeUndefined();
  });
});
