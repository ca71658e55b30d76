import type { Pool } from 'pg';

/**
 * Opens (and migrates) the configured PostgreSQL database. Rejects with a message that never
 * contains the connection URL: driver errors may quote it, so only their code is kept.
 *
 * The driver is imported here, on first use: `pg` and its ~30 modules are ~1.2 MB of heap that a
 * gateway on SQLite never needs.
 */
export async function openConfiguredPostgres(storage: {
  readonly url: { reveal(): string };
  readonly schema: string | undefined;
}): Promise<Pool> {
  try {
    const { openPostgresDatabase } = await import('../storage/postgres/open-postgres-database.ts');
    return await openPostgresDatabase({
      url: storage.url.reveal(),
      ...(storage.schema === undefined ? {} : { schema: storage.schema }),
    });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the database schema')) {
      throw error;
    }
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreachable';
    // eslint-disable-next-line preserve-caught-error -- the cause may carry the connection URL
    throw new Error(`PostgreSQL storage could not be opened (${reason})`);
  }
}
