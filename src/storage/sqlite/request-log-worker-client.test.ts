import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogRow } from '../request-log-store.ts';
import { databaseFileName, openSqliteDatabase } from './open-sqlite-database.ts';
import { RequestLogWorkerClient } from './request-log-worker-client.ts';

function rowOf(index: number, at = 1_700_000_000_000 + index): RequestLogRow {
  return {
    requestId: `req-${String(index)}`,
    at,
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    outcome: 'completed',
    keyId: 'key-1',
    org: 'default',
    team: null,
    userId: null,
    requestedModel: 'fast',
    provider: 'mock',
    deployment: 'mock/mock-1',
    upstreamModel: 'mock-1',
    stream: true,
    inputTokens: 3,
    outputTokens: 5,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    costNanos: 42,
    durationMs: 12.5,
    upstreamMs: 10,
    errorCode: null,
    routeReason: 'priority',
    cache: null,
    detail: '{"attempts":[]}',
    promptId: 'support-answer',
    promptVersion: 3,
  };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function openState(): { file: string; main: DatabaseSync; count(): number } {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-request-log-client-')), 'state');
  const main = openSqliteDatabase(stateDir);
  cleanup.push(() => main.close());
  return {
    file: join(stateDir, databaseFileName),
    main,
    count: () =>
      Number(
        (main.prepare('SELECT count(*) AS n FROM request_log').get() as { n: number | bigint }).n,
      ),
  };
}

function client(options: ConstructorParameters<typeof RequestLogWorkerClient>[0]) {
  const opened = new RequestLogWorkerClient(options);
  cleanup.push(() => opened.close(5_000));
  return opened;
}

describe('RequestLogWorkerClient', () => {
  it('writes on another thread, visible to the main connection once append resolves', async () => {
    const state = openState();
    const writes = client({ file: state.file });
    expect(writes.threadId).toBeDefined();
    expect(writes.threadId).not.toBe(threadId);
    await writes.append([rowOf(1), rowOf(2), rowOf(3)]);
    expect(state.count()).toBe(3);
    const stored = state.main
      .prepare(
        'SELECT stream, cost_nanos, duration_ms, detail, prompt_id, prompt_version FROM request_log WHERE request_id = ?',
      )
      .get('req-2');
    expect(stored).toEqual({
      stream: 1,
      cost_nanos: 42,
      duration_ms: 12.5,
      detail: '{"attempts":[]}',
      prompt_id: 'support-answer',
      prompt_version: 3,
    });
    // A request id already present is left as it is (the store's ON CONFLICT DO NOTHING).
    await writes.append([rowOf(2), rowOf(4)]);
    expect(state.count()).toBe(4);
  });

  it('prunes on its thread and says how many rows went', async () => {
    const state = openState();
    const writes = client({ file: state.file });
    await writes.append([rowOf(1, 1_000), rowOf(2, 2_000), rowOf(3, 3_000)]);
    await expect(writes.prune(2_500)).resolves.toBe(2);
    expect(state.count()).toBe(1);
  });

  it('retries a write still locked after busy_timeout, with pauses, until the lock is let go', async () => {
    const state = openState();
    const writes = client({
      file: state.file,
      busyTimeoutMs: 20,
      busyRetryDelaysMs: [100, 200, 400, 800, 1_600],
    });
    await writes.append([rowOf(0)]);
    const other = new DatabaseSync(state.file);
    cleanup.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const appended = writes.append([rowOf(1), rowOf(2)]);
    // Past busy_timeout, well within the retries' 3 s.
    await new Promise((resolve) => setTimeout(resolve, 150));
    other.exec('COMMIT');
    await appended;
    expect(state.count()).toBe(3);
  });

  it('rejects with the driver error name and code when the retries are spent, and writes later', async () => {
    const state = openState();
    const writes = client({ file: state.file, busyTimeoutMs: 10, busyRetryDelaysMs: [10, 10] });
    const other = new DatabaseSync(state.file);
    cleanup.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const failed = await writes.append([rowOf(1)]).then(
      () => undefined,
      (error: unknown) => error,
    );
    other.exec('COMMIT');
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ name: 'Error', code: 'ERR_SQLITE_ERROR' });
    // The same batch, sent again (the writer's retry), goes through once the lock is free.
    await writes.append([rowOf(1)]);
    expect(state.count()).toBe(1);
  });

  it('lets its thread end on close, and refuses writes after it', async () => {
    const state = openState();
    const writes = client({ file: state.file });
    await writes.append([rowOf(1)]);
    await writes.close(5_000);
    expect(writes.threadId).toBeUndefined();
    await expect(writes.append([rowOf(2)])).rejects.toThrow(/closed/);
    expect(state.count()).toBe(1);
  });

  it('checkpoints the write-ahead log from its own thread, before the main connections would', async () => {
    const state = openState();
    // About 300 pages of the main thread's writes, left in the log: at SQLite's default of 1,000
    // pages no commit of either side would copy them into the database yet.
    state.main.exec('PRAGMA wal_autocheckpoint = 0; CREATE TABLE scratch (body BLOB)');
    const insert = state.main.prepare('INSERT INTO scratch (body) VALUES (?)');
    state.main.exec('BEGIN');
    for (let index = 0; index < 300; index += 1) insert.run(new Uint8Array(4000));
    state.main.exec('COMMIT');
    const before = statSync(state.file).size;
    const writer = client({ file: state.file });
    await writer.append([rowOf(1)]);
    // The worker's commit found the log past its mark and checkpointed it into the file.
    expect(statSync(state.file).size).toBeGreaterThan(before + 300 * 4000);
    expect(state.count()).toBe(1);
  });
});
