import { Pool } from 'pg';
import { migratePostgresDatabase } from './migrate-postgres-database.ts';

/** How to reach PostgreSQL and how hard to lean on it. */
export interface PostgresDatabaseOptions {
  /** A connection URL, `postgres://user[:password]@host[:port]/database[?sslmode=...]`. */
  readonly url: string;
  /**
   * The schema that holds Signalbox's tables (it must exist). Set as the `search_path` of every
   * connection, so tests and side-by-side deployments can isolate themselves. Default: the
   * server's own `search_path` (normally `public`).
   */
  readonly schema?: string;
  /** Most connections the pool opens at once. Default 10. */
  readonly maxConnections?: number;
  /** The server aborts any statement that runs longer (milliseconds). Default 10 000. */
  readonly statementTimeoutMs?: number;
  /** Opening a connection fails after this long (milliseconds). Default 5 000. */
  readonly connectionTimeoutMs?: number;
  /** An unused connection is closed after this long (milliseconds). Default 30 000. */
  readonly idleTimeoutMs?: number;
}

/** A PostgreSQL identifier Signalbox accepts as a schema name: lowercase, unquoted, ≤ 63 bytes. */
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Returns `schema` if it is a plain lowercase identifier (`[a-z_][a-z0-9_]*`, at most 63
 * characters), which is safe to place in a `search_path` or between double quotes in DDL.
 * Throws otherwise: schema names are never escaped, only refused.
 */
export function checkSchemaName(schema: string): string {
  if (!schemaNamePattern.test(schema)) {
    throw new Error(
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _ (at most 63), not starting with a digit`,
    );
  }
  return schema;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen <= 0) {
    throw new Error(`${name} must be a positive integer, got ${String(value)}`);
  }
  return chosen;
}

/**
 * Creates a connection pool without touching the network (connections open on first use).
 * Throws on an invalid schema name or setting; never migrates.
 */
export function createPostgresPool(options: PostgresDatabaseOptions): Pool {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  return new Pool({
    connectionString: options.url,
    max: positiveInteger('maxConnections', options.maxConnections, 10),
    // Sent as startup parameters, so they hold for every statement on every pooled connection.
    statement_timeout: positiveInteger('statementTimeoutMs', options.statementTimeoutMs, 10_000),
    connectionTimeoutMillis: positiveInteger(
      'connectionTimeoutMs',
      options.connectionTimeoutMs,
      5_000,
    ),
    idleTimeoutMillis: positiveInteger('idleTimeoutMs', options.idleTimeoutMs, 30_000),
    application_name: 'signalbox',
    // The name was checked above; `options` is a startup parameter and cannot be parameterised.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
}

/**
 * Opens a pool to PostgreSQL and brings the schema up to date (see `postgres-migrations.ts`).
 * Rejects, with the pool closed, if the server is unreachable, the schema cannot be migrated or
 * it was made by a newer Signalbox. The caller ends the returned pool when done.
 */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Pool> {
  const pool = createPostgresPool(options);
  // An idle connection that dies (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  try {
    await migratePostgresDatabase(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
