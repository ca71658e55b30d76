import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVirtualKeyStoreConformance } from '../virtual-key-store.conformance.ts';
import { databaseFileName, openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteVirtualKeyStore } from './virtual-key-store.ts';

function temporaryStateDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'signalbox-sqlite-')), 'state');
}

runVirtualKeyStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteVirtualKeyStore(openSqliteDatabase(temporaryStateDir()))),
);

describe('SqliteVirtualKeyStore', () => {
  it('sees keys written by another connection and moves its change marker', async () => {
    const stateDir = temporaryStateDir();
    const gateway = new SqliteVirtualKeyStore(openSqliteDatabase(stateDir));
    const cli = new SqliteVirtualKeyStore(openSqliteDatabase(stateDir));
    const before = await gateway.changeMarker();
    await cli.insert({
      id: 'fromthecli00',
      name: 'cli',
      role: 'application',
      secretHash: Buffer.alloc(32, 1),
      allowedModels: null,
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
    });
    expect(await gateway.changeMarker()).not.toBe(before);
    expect((await gateway.findById('fromthecli00'))?.name).toBe('cli');
  });

  it('creates the state private to its owner and uses WAL', () => {
    const stateDir = temporaryStateDir();
    const database = openSqliteDatabase(stateDir);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, databaseFileName)).mode & 0o777).toBe(0o600);
    expect(database.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
  });

  it('refuses a database made by a newer Signalbox', () => {
    const stateDir = temporaryStateDir();
    openSqliteDatabase(stateDir).exec('PRAGMA user_version = 999');
    expect(() => openSqliteDatabase(stateDir)).toThrow(/newer than this Signalbox/);
  });

  it('treats a key id made of SQL as data', async () => {
    const store = new SqliteVirtualKeyStore(openSqliteDatabase(temporaryStateDir()));
    expect(await store.findById("' OR '1'='1")).toBeUndefined();
    expect(await store.revoke("x'; DROP TABLE virtual_keys; --", 1)).toBe(false);
    expect(await store.list()).toEqual([]);
  });
});
