import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProviderCredentialStoreConformance } from '../provider-credential-store.conformance.ts';
import { databaseFileName, openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteProviderCredentialStore } from './provider-credential-store.ts';

function temporaryStateDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'signalbox-sqlite-credentials-')), 'state');
}

runProviderCredentialStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteProviderCredentialStore(openSqliteDatabase(temporaryStateDir()))),
);

describe('SqliteProviderCredentialStore', () => {
  it('sees credentials written by another connection to the same state directory', async () => {
    const stateDir = temporaryStateDir();
    const gateway = new SqliteProviderCredentialStore(openSqliteDatabase(stateDir));
    const cli = new SqliteProviderCredentialStore(openSqliteDatabase(stateDir));
    await cli.insert({
      name: 'from-cli',
      keyId: '0011223344556677',
      ciphertext: Buffer.from('sealed'),
      createdAt: 1,
      updatedAt: 1,
    });
    expect((await gateway.findByName('from-cli'))?.keyId).toBe('0011223344556677');
  });

  it('keeps exactly the bytes it is given in the database file', async () => {
    const stateDir = temporaryStateDir();
    const database = openSqliteDatabase(stateDir);
    const store = new SqliteProviderCredentialStore(database);
    await store.insert({
      name: 'bytes',
      keyId: '0011223344556677',
      ciphertext: Buffer.from('opaque-ciphertext-marker'),
      createdAt: 1,
      updatedAt: 1,
    });
    database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(stateDir, databaseFileName)).toString('latin1')).toContain(
      'opaque-ciphertext-marker',
    );
  });
});
