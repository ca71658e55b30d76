import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualKeyRecord } from '../ports.ts';
import { runDirectoryStoreConformance } from '../directory-store.conformance.ts';
import {
  runVirtualKeyStoreConformance,
  type KeyBeforeTeamAndTags,
} from '../virtual-key-store.conformance.ts';
import { PostgresDirectoryStore } from './directory-store.ts';
import {
  checkSchemaName,
  createPostgresPool,
  openPostgresDatabase,
} from './open-postgres-database.ts';
import {
  migratePostgresDatabase,
  postgresMigrationLockClass,
} from './migrate-postgres-database.ts';
import { postgresMigrations } from './postgres-migrations.ts';
import { PostgresVirtualKeyStore } from './virtual-key-store.ts';

// CI exports this (see .ci/run). These tests never skip: without PostgreSQL they fail, so a green
// run proves the backend against a real server.
const url = process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every schema this file creates starts with this, unique per run. */
const schemaPrefix = `sbtest_${randomBytes(5).toString('hex')}`;
const createdSchemas: string[] = [];
const openedPools: Pool[] = [];
let admin: Pool | undefined;

function withoutPassword(connectionUrl: string): string {
  try {
    const parsed = new URL(connectionUrl);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function adminPool(): Pool {
  if (admin === undefined) {
    throw new Error('the admin pool opens in beforeAll');
  }
  return admin;
}

beforeAll(async () => {
  admin = createPostgresPool({ url, maxConnections: 3, connectionTimeoutMs: 5_000 });
  admin.on('error', () => undefined);
  try {
    await admin.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${withoutPassword(url)} (${reason}). These tests need a real server: start it (pg_ctlcluster <version> main start) or point SIGNALBOX_TEST_POSTGRES_URL at one.`,
      { cause: error },
    );
  }
});

afterAll(async () => {
  await Promise.all(openedPools.map((pool) => pool.end()));
  if (admin !== undefined) {
    for (const schema of createdSchemas) {
      // Identifiers cannot be parameters; the name is checked and was made by this file.
      await admin.query(`DROP SCHEMA IF EXISTS "${checkSchemaName(schema)}" CASCADE`);
    }
    await admin.end();
  }
});

/** Creates an empty schema of its own for one test, dropped after the file. */
async function freshSchema(): Promise<string> {
  const schema = checkSchemaName(`${schemaPrefix}_${String(createdSchemas.length + 1)}`);
  createdSchemas.push(schema);
  await adminPool().query(`CREATE SCHEMA "${schema}"`);
  return schema;
}

async function openPool(schema: string): Promise<Pool> {
  const pool = await openPostgresDatabase({ url, schema, maxConnections: 3 });
  openedPools.push(pool);
  return pool;
}

async function openStore(schema: string): Promise<PostgresVirtualKeyStore> {
  return new PostgresVirtualKeyStore(await openPool(schema));
}

async function appliedVersions(schema: string): Promise<number[]> {
  const result = await adminPool().query<{ version: number }>(
    `SELECT version FROM "${checkSchemaName(schema)}".signalbox_schema_migrations ORDER BY version`,
  );
  return result.rows.map((row) => row.version);
}

function key(id: string, overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    id,
    name: `key ${id}`,
    role: 'service',
    secretHash: Buffer.alloc(32, 7),
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
    ...overrides,
  };
}

const allVersions = postgresMigrations.map((_, index) => index + 1);

/** A schema at version 1 (before organisations) holding `keys` as that version wrote them. */
async function storeFromVersionOne(keys: readonly KeyBeforeTeamAndTags[]) {
  const schema = await freshSchema();
  const pool = createPostgresPool({ url, schema, maxConnections: 2 });
  pool.on('error', () => undefined);
  try {
    await migratePostgresDatabase(pool, postgresMigrations.slice(0, 1));
    for (const key of keys) {
      await pool.query(
        `INSERT INTO virtual_keys (id, name, role, secret_hash, allowed_models, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
        [
          key.id,
          key.name,
          key.role,
          key.secretHash,
          key.allowedModels === null ? null : JSON.stringify(key.allowedModels),
          key.createdAt,
          key.expiresAt,
          key.revokedAt,
        ],
      );
    }
  } finally {
    await pool.end();
  }
  return openStore(schema);
}

runVirtualKeyStoreConformance('postgres', async () => openStore(await freshSchema()), {
  createStoreFromOldSchema: storeFromVersionOne,
});
runDirectoryStoreConformance(
  'postgres',
  async () => new PostgresDirectoryStore(await openPool(await freshSchema())),
);

describe('PostgresVirtualKeyStore', () => {
  it('applies migrations once however often a database is opened', async () => {
    const schema = await freshSchema();
    const first = await openStore(schema);
    await first.insert(key('survives0000'));
    await openStore(schema);
    const third = await openStore(schema);
    expect(await appliedVersions(schema)).toEqual(allVersions);
    expect((await third.findById('survives0000'))?.name).toBe('key survives0000');
  });

  it('migrates exactly once when several processes start together', async () => {
    const schema = await freshSchema();
    const pools = await Promise.all([1, 2, 3, 4].map(() => openPool(schema)));
    expect(await appliedVersions(schema)).toEqual(allVersions);
    const stores = pools.map((pool) => new PostgresVirtualKeyStore(pool));
    await stores[0]?.insert(key('shared000000'));
    expect((await stores[3]?.findById('shared000000'))?.id).toBe('shared000000');
  });

  it('waits for the migration advisory lock held by another process', async () => {
    const schema = await freshSchema();
    const holder = await adminPool().connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [
        postgresMigrationLockClass,
        schema,
      ]);
      let opened = false;
      const opening = openPool(schema).then((pool) => {
        opened = true;
        return pool;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(opened).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [
        postgresMigrationLockClass,
        schema,
      ]);
      await opening;
      expect(opened).toBe(true);
    } finally {
      holder.release();
    }
    expect(await appliedVersions(schema)).toEqual(allVersions);
  });

  it('refuses a database made by a newer Signalbox', async () => {
    const schema = await freshSchema();
    await openPool(schema);
    await adminPool().query(
      `INSERT INTO "${schema}".signalbox_schema_migrations (version, description) VALUES ($1, $2)`,
      [999, 'from the future'],
    );
    await expect(openPostgresDatabase({ url, schema })).rejects.toThrow(
      /newer than this Signalbox/,
    );
  });

  it('rolls back a failing migration whole and keeps the versions before it', async () => {
    const schema = await freshSchema();
    const pool = await openPool(schema);
    const broken = [
      ...postgresMigrations,
      { description: 'broken', sql: 'CREATE TABLE half_done (x integer); SELECT no_such_fn()' },
    ];
    await expect(migratePostgresDatabase(pool, broken)).rejects.toThrow(/no_such_fn/);
    expect(await appliedVersions(schema)).toEqual(allVersions);
    const table = await adminPool().query('SELECT to_regclass($1) AS name', [
      `${schema}.half_done`,
    ]);
    expect(table.rows[0]).toEqual({ name: null });
  });

  it('moves its change marker when another process inserts or revokes', async () => {
    const schema = await freshSchema();
    const gateway = await openStore(schema);
    const cli = await openStore(schema);
    const initial = await gateway.changeMarker();

    await cli.insert(key('fromthecli00'));
    const afterInsert = await gateway.changeMarker();
    expect(afterInsert).not.toBe(initial);
    expect((await gateway.findById('fromthecli00'))?.id).toBe('fromthecli00');

    await expect(cli.insert(key('fromthecli00'))).rejects.toThrow();
    expect(await cli.revoke('unknown00000', 5)).toBe(false);
    expect(await gateway.changeMarker()).toBe(afterInsert);

    expect(await cli.revoke('fromthecli00', 5)).toBe(true);
    const afterRevoke = await gateway.changeMarker();
    expect(afterRevoke).not.toBe(afterInsert);
    expect((await gateway.findById('fromthecli00'))?.revokedAt).toBe(5);
  });

  it('treats ids, names, teams and tags made of SQL as data', async () => {
    const store = await openStore(await freshSchema());
    expect(await store.findById("' OR '1'='1")).toBeUndefined();
    expect(await store.revoke("x'; DROP TABLE virtual_keys; --", 1)).toBe(false);
    const hostile = [
      key("' OR '1'='1", {
        name: '"; DROP TABLE virtual_keys; --',
        team: "x'); DROP TABLE virtual_keys; --",
        tags: ["' OR '1'='1", '"; DROP TABLE virtual_keys; --', '"]', "'::jsonb"],
        allowedModels: ["*'; --"],
      }),
      key('"; DROP TABLE virtual_keys; --', { name: "Robert'); DROP TABLE virtual_keys; --" }),
    ];
    for (const record of hostile) {
      await store.insert(record);
    }
    for (const record of hostile) {
      expect(await store.findById(record.id)).toStrictEqual(record);
    }
    expect(await store.list()).toHaveLength(2);
    expect(await store.revoke("' OR '1'='1", 2)).toBe(true);
    expect((await store.list()).map((record) => record.id)).toEqual([
      '"; DROP TABLE virtual_keys; --',
    ]);
  });

  it('refuses tags that are not a JSON list, whoever writes them', async () => {
    const schema = await freshSchema();
    await openPool(schema);
    await expect(
      adminPool().query(
        `INSERT INTO "${schema}".virtual_keys (id, name, role, secret_hash, created_at, tags)
         VALUES ('brokentags00', 'x', 'service', '\\x00', 1, $1::jsonb)`,
        ['"eu"'],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('keeps schemas apart', async () => {
    const one = await openStore(await freshSchema());
    const two = await openStore(await freshSchema());
    await one.insert(key('onlyinone000'));
    expect(await two.findById('onlyinone000')).toBeUndefined();
    expect(await two.list()).toEqual([]);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    for (const name of ['', 'Public', '1schema', 'a-b', 'x; DROP SCHEMA public', 'a'.repeat(64)]) {
      expect(() => checkSchemaName(name)).toThrow(/invalid PostgreSQL schema name/);
    }
    expect(() => createPostgresPool({ url, schema: 'public,evil' })).toThrow(/schema name/);
    expect(checkSchemaName('signalbox_1')).toBe('signalbox_1');
  });

  it('rejects, with the pool closed, when the server cannot be reached', async () => {
    await expect(
      openPostgresDatabase({
        url: 'postgres://postgres@127.0.0.1:1/test',
        connectionTimeoutMs: 2_000,
      }),
    ).rejects.toThrow();
  });
});
