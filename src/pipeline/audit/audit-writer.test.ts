import { describe, expect, it } from 'vitest';
import { CredentialDecryptionError } from '../../lib/credential-envelope.ts';
import type { AuditLogRecord, AuditLogStore, AuditPayloadRow } from '../../storage/ports.ts';
import type { AuditAttachment } from './audit-payload-vault.ts';
import { buildAuditRecord } from './audit-record.ts';
import { AuditWriter } from './audit-writer.ts';

/** An in-memory log with the store's continuity rules, optionally failing or racing. */
function memoryLog(): {
  store: AuditLogStore;
  records: AuditLogRecord[];
  payloads: AuditPayloadRow[];
  failNext: (error: Error) => void;
} {
  const records: AuditLogRecord[] = [];
  const payloads: AuditPayloadRow[] = [];
  let failure: Error | undefined;
  const store: AuditLogStore = {
    findRequestRecords: () => Promise.resolve([]),
    append(batch, rows = []) {
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      const expected = records.length;
      if (batch[0] !== undefined && batch[0].seq !== expected) {
        return Promise.reject(new RangeError('seq taken'));
      }
      records.push(...batch);
      payloads.push(...rows);
      return Promise.resolve();
    },
    read: (from, limit) => Promise.resolve(records.slice(from, from + limit)),
    last: () => Promise.resolve(records[records.length - 1]),
    count: () => Promise.resolve(records.length),
  };
  return { store, records, payloads, failNext: (error) => (failure = error) };
}

function writer(store: AuditLogStore, appended: number[] = []): AuditWriter {
  return new AuditWriter({
    store,
    capacity: 100,
    flushDelayMs: 1,
    wait: () => Promise.resolve(),
    onAppended: (records) => appended.push(records.length),
    onWriteFailed: () => undefined,
  });
}

const event = (kind: string) => ({ at: 1, kind, payload: { n: kind } });

describe('AuditWriter', () => {
  it('chains events in order, in batches', async () => {
    const log = memoryLog();
    const appended: number[] = [];
    const audit = writer(log.store, appended);
    audit.record(event('a'));
    audit.record(event('b'));
    await audit.flush();
    audit.record(event('c'));
    await audit.flush();
    expect(log.records.map((record) => [record.seq, record.kind])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(log.records[1]?.prevHash).toBe(log.records[0]?.hash);
    expect(appended).toEqual([2, 1]);
  });

  it('rebuilds a batch on the new end when another writer appended first', async () => {
    const log = memoryLog();
    const audit = writer(log.store);
    audit.record(event('mine'));
    await audit.flush();
    // Another replica appends behind this writer's back.
    log.records.push(buildAuditRecord(log.records[0], event('theirs')));
    audit.record(event('mine-again'));
    await audit.flush();
    expect(log.records.map((record) => record.kind)).toEqual(['mine', 'theirs', 'mine-again']);
    expect(log.records[2]?.prevHash).toBe(log.records[1]?.hash);
  });

  it('retries a failed append and loses nothing', async () => {
    const log = memoryLog();
    const failures: number[] = [];
    const audit = new AuditWriter({
      store: log.store,
      capacity: 2,
      flushDelayMs: 1,
      wait: () => Promise.resolve(),
      onAppended: () => undefined,
      onWriteFailed: (_error, pending) => failures.push(pending),
    });
    log.failNext(new Error('database unavailable'));
    audit.record(event('a'));
    audit.record(event('b'));
    expect(audit.full).toBe(true);
    await audit.flush();
    expect(failures).toEqual([2]);
    expect(log.records.map((record) => record.kind)).toEqual(['a', 'b']);
    expect(audit.full).toBe(false);
  });

  it('seals attachments into rows beside their records, the record carrying the digest', async () => {
    const log = memoryLog();
    const failed: unknown[] = [];
    const audit = new AuditWriter({
      store: log.store,
      capacity: 10,
      flushDelayMs: 1,
      wait: () => Promise.resolve(),
      onAppended: () => undefined,
      onWriteFailed: () => undefined,
      seal: (attachment: AuditAttachment) =>
        attachment.org === 'broken'
          ? Promise.reject(new CredentialDecryptionError('damaged', 'cannot open'))
          : Promise.resolve({
              org: attachment.org,
              requestId: attachment.requestId,
              keyId: 'key-1',
              sealed: Buffer.from(`sealed ${attachment.text}`),
              digest: 'd'.repeat(64),
            }),
      onSealFailed: (error) => failed.push(error),
    });
    audit.record(event('plain'));
    audit.record({ ...event('kept'), attachment: { org: 'acme', requestId: 'r1', text: 'hi' } });
    audit.record({ ...event('lost'), attachment: { org: 'broken', requestId: 'r2', text: 'x' } });
    await audit.flush();
    expect(log.records.map((record) => JSON.parse(record.payload) as unknown)).toEqual([
      { n: 'plain' },
      { n: 'kept', retained_payload: { sha256: 'd'.repeat(64), key_id: 'key-1' } },
      { n: 'lost', retained_payload: { error: 'sealing_failed' } },
    ]);
    expect(log.payloads).toEqual([
      { seq: 1, requestId: 'r1', org: 'acme', keyId: 'key-1', sealed: Buffer.from('sealed hi') },
    ]);
    expect(failed).toHaveLength(1);
    // The plaintext is never in the chained record.
    expect(log.records.map((record) => record.payload).join('')).not.toContain('hi"');
  });

  it('does not append a batch twice when its commit succeeded but the reply was lost', async () => {
    const log = memoryLog();
    const appended: number[] = [];
    const audit = writer(log.store, appended);
    const append = log.store.append.bind(log.store);
    let loseReply = true;
    // The database commits, then the connection breaks before the client hears of it.
    log.store.append = async (records, rows) => {
      await append(records, rows);
      if (loseReply) {
        loseReply = false;
        throw new Error('Connection terminated unexpectedly');
      }
    };
    audit.record(event('a'));
    audit.record(event('b'));
    await audit.flush();
    audit.record(event('c'));
    await audit.flush();
    // Before the fix the retry appended a and b again as seqs 2 and 3.
    expect(log.records.map((record) => record.kind)).toEqual(['a', 'b', 'c']);
    expect(appended).toEqual([2, 1]);
  });
});
