import { describe, expect, it } from 'vitest';
import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import type { SqlSession } from '../sql/sql-database.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

describe('PostgresSqlDatabase transactions', () => {
  it('commits without waiting for the disk only inside the transaction that asks', async () => {
    const database = new PostgresSqlDatabase(await schemas.openPool(await schemas.freshSchema()));
    const setting = async (session: SqlSession): Promise<string | undefined> =>
      (await session.rows<{ synchronous_commit: string }>('SHOW synchronous_commit', []))[0]
        ?.synchronous_commit;
    expect(await database.transaction(setting, { waitForDisk: false })).toBe('off');
    expect(await database.transaction(setting)).toBe('on');
  });
});
