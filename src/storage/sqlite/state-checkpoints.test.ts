import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkpointsOffThread } from '../../app/state-database-checkpoints.ts';
import { SecretValue } from '../../lib/secret-value.ts';
import { databaseFileName, openSqliteDatabase } from './open-sqlite-database.ts';
import { RequestLogWorkerClient } from './request-log-worker-client.ts';

function autoCheckpointOf(database: ReturnType<typeof openSqliteDatabase>): number {
  return (database.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number })
    .wal_autocheckpoint;
}

describe('checkpointing the state database off the event loop', () => {
  it('opens event-loop connections without auto-checkpoint only when asked', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'signalbox-checkpoints-'));
    const usual = openSqliteDatabase(stateDir);
    const handedOver = openSqliteDatabase(stateDir, { autoCheckpoint: false });
    expect(autoCheckpointOf(usual)).toBe(1000);
    expect(autoCheckpointOf(handedOver)).toBe(0);
    usual.close();
    handedOver.close();
  });

  it('hands checkpoints over only when the request log runs its writer thread (SQLite, log on)', () => {
    const on = { enabled: true, retentionMs: 1 };
    const off = { enabled: false, retentionMs: 1 };
    const postgres = {
      backend: 'postgres',
      url: new SecretValue('postgres://127.0.0.1/test'),
      schema: undefined,
    } as const;
    expect(checkpointsOffThread({ storage: { backend: 'sqlite' }, requestLog: on })).toBe(true);
    expect(checkpointsOffThread({ storage: { backend: 'sqlite' }, requestLog: off })).toBe(false);
    expect(checkpointsOffThread({ storage: postgres, requestLog: on })).toBe(false);
  });

  it("the request log's thread checkpoints what other connections wrote", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'signalbox-checkpoints-'));
    const file = join(stateDir, databaseFileName);
    const main = openSqliteDatabase(stateDir, { autoCheckpoint: false });
    const writer = new RequestLogWorkerClient({ file });
    try {
      await writer.prune(0); // opens the thread's connection
      main.exec('CREATE TABLE filler (data BLOB)');
      const insert = main.prepare('INSERT INTO filler VALUES (randomblob(4000))');
      for (let index = 0; index < 1500; index += 1) insert.run();
      // About 6 MB sit in the write-ahead log: this connection never checkpoints.
      const before = statSync(file).size;
      expect(before).toBeLessThan(2_000_000);
      let after = before;
      for (let waited = 0; waited < 5_000 && after < 5_000_000; waited += 100) {
        await sleep(100);
        after = statSync(file).size;
      }
      expect(after).toBeGreaterThan(5_000_000);
    } finally {
      await writer.close(5_000);
      main.close();
    }
  });
});
