import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import {
  checkSchemaName,
  createPostgresPool,
  openPostgresDatabase,
} from '../../src/storage/postgres/open-postgres-database.ts';

/** CI exports this (see .ci/run). Tests using it never skip: without PostgreSQL they fail. */
export const testPostgresUrl =
  process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Gives each test of the calling file an empty, migrated schema of its own on the test server,
 * and drops them all after the file. Call at the top level of a test file.
 */
export function usePostgresTestSchemas(): {
  openPool(schema?: string): Promise<Pool>;
  freshSchema(): Promise<string>;
} {
  const prefix = `sbtest_${randomBytes(5).toString('hex')}`;
  const created: string[] = [];
  const pools: Pool[] = [];
  let admin: Pool | undefined;

  beforeAll(async () => {
    admin = createPostgresPool({
      url: testPostgresUrl,
      maxConnections: 2,
      connectionTimeoutMs: 5_000,
    });
    admin.on('error', () => undefined);
    try {
      await admin.query('SELECT 1');
    } catch (error) {
      throw new Error(
        'PostgreSQL is not reachable; these tests need a real server: start it (pg_ctlcluster <version> main start) or point SIGNALBOX_TEST_POSTGRES_URL at one.',
        { cause: error },
      );
    }
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    if (admin !== undefined) {
      for (const schema of created) {
        // Identifiers cannot be parameters; the name is checked and was made here.
        await admin.query(`DROP SCHEMA IF EXISTS "${checkSchemaName(schema)}" CASCADE`);
      }
      await admin.end();
    }
  });

  async function freshSchema(): Promise<string> {
    if (admin === undefined) throw new Error('the admin pool opens in beforeAll');
    const schema = checkSchemaName(`${prefix}_${String(created.length + 1)}`);
    created.push(schema);
    await admin.query(`CREATE SCHEMA "${schema}"`);
    return schema;
  }

  return {
    freshSchema,
    /** A migrated pool on `schema` (a fresh one when not given), closed after the file. */
    async openPool(schema?: string): Promise<Pool> {
      const pool = await openPostgresDatabase({
        url: testPostgresUrl,
        schema: schema ?? (await freshSchema()),
        maxConnections: 10,
      });
      pools.push(pool);
      return pool;
    },
  };
}
