import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  runVirtualKeyStoreConformance,
  type KeyBeforeTeamAndTags,
} from '../virtual-key-store.conformance.ts';
import { runDirectoryStoreConformance } from '../directory-store.conformance.ts';
import { SqliteDirectoryStore } from './directory-store.ts';
import { databaseFileName, openSqliteDatabase } from './open-sqlite-database.ts';
import { sqliteMigrations } from './sqlite-migrations.ts';
import { SqliteVirtualKeyStore } from './virtual-key-store.ts';

/** The schema version released before keys carried a team and tags. */
const versionBeforeTeamAndTags = 1;

function temporaryStateDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'signalbox-sqlite-')), 'state');
}

/**
 * Creates a state directory whose database has the schema of `version` (by running the released
 * migrations up to it, as an older Signalbox did) and holds `keys` written the way it wrote them.
 */
function stateDirAtVersion(version: number, keys: readonly KeyBeforeTeamAndTags[]): string {
  const stateDir = temporaryStateDir();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(join(stateDir, databaseFileName));
  for (const [index, migration] of sqliteMigrations.slice(0, version).entries()) {
    database.exec(migration);
    database.exec(`PRAGMA user_version = ${String(index + 1)}`);
  }
  const insert = database.prepare(
    `INSERT INTO virtual_keys (id, name, role, secret_hash, allowed_models, created_at, expires_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const key of keys) {
    insert.run(
      key.id,
      key.name,
      key.role,
      key.secretHash,
      key.allowedModels === null ? null : JSON.stringify(key.allowedModels),
      key.createdAt,
      key.expiresAt,
      key.revokedAt,
    );
  }
  database.close();
  return stateDir;
}

runVirtualKeyStoreConformance(
  'sqlite',
  () => Promise.resolve(new SqliteVirtualKeyStore(openSqliteDatabase(temporaryStateDir()))),
  {
    createStoreFromOldSchema: (keys) =>
      Promise.resolve(
        new SqliteVirtualKeyStore(
          openSqliteDatabase(stateDirAtVersion(versionBeforeTeamAndTags, keys)),
        ),
      ),
  },
);

runDirectoryStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteDirectoryStore(openSqliteDatabase(temporaryStateDir()))),
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
      role: 'service',
      secretHash: Buffer.alloc(32, 1),
      allowedModels: null,
      team: null,
      tags: [],
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
      org: 'default',
      ownerUser: null,
      allowedRoutes: null,
      maxOutputTokens: null,
      metadata: {},
      createdBy: 'test',
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

  it('brings a database from before teams and tags to the latest schema version', () => {
    const stateDir = stateDirAtVersion(versionBeforeTeamAndTags, []);
    const database = openSqliteDatabase(stateDir);
    expect(database.prepare('PRAGMA user_version').get()).toEqual({
      user_version: sqliteMigrations.length,
    });
    const columns = database.prepare('PRAGMA table_info(virtual_keys)').all();
    expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(['team', 'tags']));
  });

  it('turns the teams of existing keys into teams of the organisation default', async () => {
    const stateDir = stateDirAtVersion(2, []);
    const old = new DatabaseSync(join(stateDir, databaseFileName));
    old
      .prepare(
        `INSERT INTO virtual_keys (id, name, role, secret_hash, created_at, team, tags)
         VALUES ('teamkey00000', 'x', 'application', x'00', 7, 'payments', '["eu"]')`,
      )
      .run();
    old.close();
    const database = openSqliteDatabase(stateDir);
    const directory = new SqliteDirectoryStore(database);
    expect(await directory.findTeam('default', 'payments')).toStrictEqual({
      org: 'default',
      id: 'payments',
      name: 'payments',
      createdAt: 7,
    });
    expect(await new SqliteVirtualKeyStore(database).findById('teamkey00000')).toMatchObject({
      role: 'service',
      org: 'default',
      team: 'payments',
      tags: ['eu'],
      createdBy: 'migration',
    });
  });

  it('refuses a role outside the five, whoever writes it', () => {
    const database = openSqliteDatabase(temporaryStateDir());
    expect(() =>
      database.exec(
        `INSERT INTO virtual_keys (id, name, role, secret_hash, created_at)
         VALUES ('badrole00000', 'x', 'application', x'00', 1)`,
      ),
    ).toThrow(/CHECK constraint/);
  });

  it('refuses tags that are not a JSON list, whoever writes them', () => {
    const database = openSqliteDatabase(temporaryStateDir());
    const insert = database.prepare(
      `INSERT INTO virtual_keys (id, name, role, secret_hash, created_at, tags)
       VALUES ('brokentags00', 'x', 'service', x'00', 1, ?)`,
    );
    expect(() => insert.run('"eu"')).toThrow(/CHECK constraint/);
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
    const stored = {
      id: 'sqlasdata000',
      name: "Robert'); DROP TABLE virtual_keys; --",
      role: 'service' as const,
      secretHash: Buffer.alloc(32, 2),
      allowedModels: null,
      team: "x'); DROP TABLE virtual_keys; --",
      tags: ["'", '"]', "') OR 1=1 --"],
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
      org: 'default',
      ownerUser: null,
      allowedRoutes: null,
      maxOutputTokens: null,
      metadata: {},
      createdBy: 'test',
    };
    await store.insert(stored);
    expect(await store.findById('sqlasdata000')).toStrictEqual(stored);
  });
});
