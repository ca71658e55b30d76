import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { computeAuditRecordHash, genesisPrevHash } from '../pipeline/audit/audit-record.ts';
import type { AuditLogRecord, AuditLogStore, AuditPayloadStore } from '../storage/ports.ts';
import { createAuditInspection } from './audit-inspection-service.ts';

/** A valid chain of `count` records. */
function chain(count: number): AuditLogRecord[] {
  const records: AuditLogRecord[] = [];
  for (let seq = 0; seq < count; seq += 1) {
    const unsigned = {
      seq,
      at: 1_700_000_000_000 + seq,
      kind: 'test',
      payload: `{"n":${String(seq)}}`,
      prevHash: records[seq - 1]?.hash ?? genesisPrevHash,
    };
    records.push({ ...unsigned, hash: computeAuditRecordHash(unsigned) });
  }
  return records;
}

/** A log store over `records` whose reads take one tick of `clock` each, counted. */
function slowLog(records: AuditLogRecord[], clock: ManualClock, tickMs: number) {
  let reads = 0;
  const store: AuditLogStore = {
    findRequestRecords: () => Promise.resolve([]),
    append: () => Promise.reject(new Error('read-only')),
    async read(fromSeq, limit) {
      reads += 1;
      clock.advance(tickMs);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return records.filter((record) => record.seq >= fromSeq).slice(0, limit);
    },
    last: () => Promise.resolve(records.at(-1)),
    count: () => Promise.resolve(records.length),
  };
  return { store, reads: () => reads };
}

const noPayloads = { list: () => Promise.resolve([]) } as unknown as AuditPayloadStore;

function inspection(log: AuditLogStore, clock: ManualClock, timeLimitMs?: number) {
  return createAuditInspection({
    log,
    payloads: noPayloads,
    stateDir: join(mkdtempSync(join(tmpdir(), 'sb-inspect-')), 'state'),
    environment: {},
    clock,
    ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
  });
}

describe('createAuditInspection', () => {
  it('runs one verification at a time: concurrent callers share its pages and result', async () => {
    const clock = new ManualClock();
    const log = slowLog(chain(2500), clock, 1);
    const inspect = inspection(log.store, clock);
    const [first, second] = await Promise.all([inspect.verify(), inspect.verify()]);
    expect(first).toBe(second);
    expect(first).toMatchObject({ ok: true, complete: true, records_checked: 2500 });
    // Pages of 1000: 0, 1000, 2000 (a short page ends it), once.
    expect(log.reads()).toBe(3);
    await inspect.verify();
    expect(log.reads()).toBe(6);
  });

  it('stops at its time limit and says it did not finish (not that the log is bad)', async () => {
    const clock = new ManualClock();
    const log = slowLog(chain(5000), clock, 40_000);
    const result = await inspection(log.store, clock, 60_000).verify();
    expect(result).toMatchObject({ ok: false, complete: false, first_bad_seq: null });
    expect(result.records_checked).toBe(2000);
    expect(result.detail).toContain('signalbox audit verify');
  });

  it('reports the status of the log without a checkpoint file', async () => {
    const clock = new ManualClock();
    const records = chain(3);
    const status = await inspection(slowLog(records, clock, 0).store, clock).status();
    expect(status).toEqual({
      records: 3,
      head: { seq: 2, hash: records[2]?.hash },
      checkpoint: null,
    });
  });
});
