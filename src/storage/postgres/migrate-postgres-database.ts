import type { Pool, PoolClient } from 'pg';
import { postgresMigrations, type PostgresMigration } from './postgres-migrations.ts';

/**
 * The first half of the advisory lock key taken while migrating (the second is
 * `hashtext(<schema name>)`), so deployments in different schemas of one database do not wait
 * for each other. Arbitrary and fixed: changing it would let old and new processes race.
 */
export const postgresMigrationLockClass = 0x5b_0b_0c;

/** How long a starting process waits for another one's migration, and a migration may run. */
const migrationTimeoutMs = 60_000;

async function runMigrations(
  client: PoolClient,
  migrations: readonly PostgresMigration[],
): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS signalbox_schema_migrations (
       version integer PRIMARY KEY,
       description text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const result = await client.query<{ version: number }>(
    'SELECT coalesce(max(version), 0)::integer AS version FROM signalbox_schema_migrations',
  );
  const current = result.rows[0]?.version ?? 0;
  if (current > migrations.length) {
    throw new Error(
      `the database schema (version ${String(current)}) is newer than this Signalbox (version ${String(migrations.length)}); upgrade Signalbox`,
    );
  }
  for (let version = current; version < migrations.length; version += 1) {
    const migration = migrations[version];
    if (migration === undefined) {
      break;
    }
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO signalbox_schema_migrations (version, description) VALUES ($1, $2)',
        [version + 1, migration.description],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}

/**
 * Brings the schema on the pool's `search_path` up to the latest version. Each migration runs in
 * its own transaction; the whole run holds a session advisory lock keyed by the schema, so
 * processes starting together migrate exactly once (the others wait, then find nothing to do).
 * Rejects if the schema is newer than `migrations` knows or a migration fails (that one is rolled
 * back; earlier ones stay).
 */
export async function migratePostgresDatabase(
  pool: Pool,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A checked-out client has no pool listener: a connection dying mid-migration would emit an
  // unheard 'error' and crash the process. The query under way rejects with it anyway.
  const onError = (): void => undefined;
  client.on('error', onError);
  try {
    // Waiting for the lock counts against statement_timeout: give migration its own budget.
    await client.query("SELECT set_config('statement_timeout', $1, false)", [
      String(migrationTimeoutMs),
    ]);
    await client.query('SELECT pg_advisory_lock($1, hashtext(current_schema()))', [
      postgresMigrationLockClass,
    ]);
    try {
      await runMigrations(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [
        postgresMigrationLockClass,
      ]);
    }
    await client.query('RESET statement_timeout');
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw failure;
  } finally {
    // On failure the connection is destroyed, which also frees the lock if unlocking failed.
    client.off('error', onError);
    client.release(failure);
  }
}
