import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProviderCredentialStoreConformance } from '../provider-credential-store.conformance.ts';
import {
  checkSchemaName,
  createPostgresPool,
  openPostgresDatabase,
} from './open-postgres-database.ts';
import { PostgresProviderCredentialStore } from './provider-credential-store.ts';

// CI exports this (see .ci/run). Without PostgreSQL these tests fail rather than skip.
const url = process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every schema this file creates starts with this, unique per run. */
const schemaPrefix = `sbcred_${randomBytes(5).toString('hex')}`;
const createdSchemas: string[] = [];
const openedPools: Pool[] = [];
let admin: Pool | undefined;

function adminPool(): Pool {
  if (admin === undefined) {
    throw new Error('the admin pool opens in beforeAll');
  }
  return admin;
}

beforeAll(async () => {
  admin = createPostgresPool({ url, maxConnections: 2, connectionTimeoutMs: 5_000 });
  admin.on('error', () => undefined);
  await admin.query('SELECT 1');
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

async function freshStore(): Promise<{ store: PostgresProviderCredentialStore; schema: string }> {
  const schema = checkSchemaName(`${schemaPrefix}_${String(createdSchemas.length + 1)}`);
  createdSchemas.push(schema);
  await adminPool().query(`CREATE SCHEMA "${schema}"`);
  const pool = await openPostgresDatabase({ url, schema, maxConnections: 2 });
  openedPools.push(pool);
  return { store: new PostgresProviderCredentialStore(pool), schema };
}

runProviderCredentialStoreConformance('postgres', async () => (await freshStore()).store);

describe('PostgresProviderCredentialStore', () => {
  it('keeps exactly the bytes it is given, as bytea', async () => {
    const { store, schema } = await freshStore();
    const ciphertext = Buffer.from([0, 0xff, 0x27, 0x5c, 0x00, 0x01]);
    await store.insert({ name: 'bytes', keyId: 'k', ciphertext, createdAt: 1, updatedAt: 2 });
    const row = await adminPool().query<{ ciphertext: Buffer; kind: string }>(
      `SELECT ciphertext, pg_typeof(ciphertext)::text AS kind
       FROM "${schema}".provider_credentials WHERE name = $1`,
      ['bytes'],
    );
    expect(row.rows[0]?.kind).toBe('bytea');
    expect(Buffer.from(row.rows[0]?.ciphertext ?? [])).toStrictEqual(ciphertext);
  });
});
