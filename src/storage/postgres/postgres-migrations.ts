import type { Pool, PoolClient } from 'pg';

/** One forward-only step of the PostgreSQL schema. */
export interface PostgresMigration {
  /** Recorded beside the version in `signalbox_schema_migrations`. */
  readonly description: string;
  /** DDL run as one transaction; no parameters. */
  readonly sql: string;
}

/**
 * Schema migrations of the PostgreSQL database, in order; entry N brings the schema from version
 * N to N+1 (rows of `signalbox_schema_migrations`). Never edit a released entry: append one.
 *
 * Version 1 already holds what SQLite reached in its version 2 (team and tags): no PostgreSQL
 * database was ever released without them, so there is no older step to replay.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    description: 'virtual keys with team and tags, and the key change counter',
    sql: `CREATE TABLE virtual_keys (
       id text PRIMARY KEY,
       name text NOT NULL,
       role text NOT NULL CHECK (role IN ('admin', 'application')),
       secret_hash bytea NOT NULL,
       allowed_models jsonb CHECK (allowed_models IS NULL OR jsonb_typeof(allowed_models) = 'array'),
       team text,
       tags jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(tags) = 'array'),
       created_at bigint NOT NULL,
       expires_at bigint,
       revoked_at bigint
     );
     CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at);
     -- One row, bumped in the statement that changes a key, so every process sees changes.
     CREATE TABLE signalbox_key_changes (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       counter bigint NOT NULL DEFAULT 0
     );
     INSERT INTO signalbox_key_changes (singleton, counter) VALUES (true, 0);`,
  },
  {
    description: 'organisations, teams, users; keys gain org, owner, limits, metadata, five roles',
    // Existing keys and the teams they name belong to the organisation `default`;
    // 'application' keys become 'service'.
    sql: `CREATE TABLE organisations (
       id text PRIMARY KEY,
       name text NOT NULL,
       created_at bigint NOT NULL
     );
     INSERT INTO organisations (id, name, created_at) VALUES ('default', 'Default', 0);
     CREATE TABLE teams (
       org text NOT NULL REFERENCES organisations (id),
       id text NOT NULL,
       name text NOT NULL,
       created_at bigint NOT NULL,
       PRIMARY KEY (org, id)
     );
     INSERT INTO teams (org, id, name, created_at)
       SELECT 'default', team, team, min(created_at) FROM virtual_keys
       WHERE team IS NOT NULL GROUP BY team;
     CREATE TABLE users (
       id text PRIMARY KEY,
       org text NOT NULL REFERENCES organisations (id),
       email text NOT NULL,
       name text NOT NULL,
       role text NOT NULL CHECK (role IN ('admin', 'team_admin', 'member', 'viewer')),
       teams jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(teams) = 'array'),
       created_at bigint NOT NULL
     );
     CREATE INDEX users_org ON users (org, created_at);
     ALTER TABLE virtual_keys DROP CONSTRAINT virtual_keys_role_check;
     UPDATE virtual_keys SET role = 'service' WHERE role = 'application';
     ALTER TABLE virtual_keys
       ADD CONSTRAINT virtual_keys_role_check
         CHECK (role IN ('admin', 'team_admin', 'member', 'viewer', 'service')),
       ADD COLUMN org text NOT NULL DEFAULT 'default',
       ADD COLUMN owner_user text,
       ADD COLUMN allowed_routes jsonb
         CHECK (allowed_routes IS NULL OR jsonb_typeof(allowed_routes) = 'array'),
       ADD COLUMN max_output_tokens integer
         CHECK (max_output_tokens IS NULL OR max_output_tokens > 0),
       ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb
         CHECK (jsonb_typeof(metadata) = 'object'),
       ADD COLUMN created_by text NOT NULL DEFAULT 'migration';
     CREATE INDEX virtual_keys_org ON virtual_keys (org, created_at);`,
  },
  {
    description: 'provider credentials, encrypted at rest',
    // Only AES-256-GCM ciphertext and its key id, never the value (see
    // src/lib/credential-envelope.ts). Self-contained: its own table.
    sql: `CREATE TABLE IF NOT EXISTS provider_credentials (
       name text PRIMARY KEY,
       key_id text NOT NULL,
       ciphertext bytea NOT NULL,
       created_at bigint NOT NULL,
       updated_at bigint NOT NULL
     );`,
  },
  {
    description: 'spend ledger, budget counters and budget reservations',
    sql: `CREATE TABLE spend_ledger (
       seq bigserial PRIMARY KEY,
       request_id text NOT NULL UNIQUE,
       at bigint NOT NULL,
       key_id text NOT NULL,
       user_id text,
       org text,
       team text,
       tags jsonb NOT NULL CHECK (jsonb_typeof(tags) = 'array'),
       model text NOT NULL,
       provider text,
       deployment text,
       upstream_model text,
       input_tokens bigint,
       output_tokens bigint,
       cache_read_tokens bigint,
       cache_write_tokens bigint,
       reasoning_tokens bigint,
       cost_nanos bigint NOT NULL CHECK (cost_nanos >= 0),
       estimated smallint NOT NULL CHECK (estimated IN (0, 1)),
       outcome text NOT NULL
     );
     CREATE INDEX spend_ledger_at ON spend_ledger (at);
     CREATE INDEX spend_ledger_key_at ON spend_ledger (key_id, at);
     CREATE INDEX spend_ledger_user_at ON spend_ledger (user_id, at);
     CREATE INDEX spend_ledger_org_at ON spend_ledger (org, at);
     CREATE INDEX spend_ledger_team_at ON spend_ledger (team, at);
     CREATE INDEX spend_ledger_model_at ON spend_ledger (model, at);
     CREATE INDEX spend_ledger_tags ON spend_ledger USING gin (tags);
     CREATE TABLE budget_counters (
       line_key text PRIMARY KEY,
       spent_nanos bigint NOT NULL,
       reserved_nanos bigint NOT NULL CHECK (reserved_nanos >= 0)
     );
     CREATE TABLE budget_reservations (
       request_id text PRIMARY KEY,
       at bigint NOT NULL,
       amount_nanos bigint NOT NULL CHECK (amount_nanos >= 0),
       line_keys jsonb NOT NULL CHECK (jsonb_typeof(line_keys) = 'array'),
       subject jsonb NOT NULL CHECK (jsonb_typeof(subject) = 'object'),
       expires_at bigint NOT NULL
     );
     CREATE INDEX budget_reservations_expires_at ON budget_reservations (expires_at);`,
  },
  {
    description: 'tamper-evident audit log that refuses UPDATE, DELETE and TRUNCATE',
    // The payload is the canonical JSON text as hashed: text, not jsonb, which would reorder it.
    sql: `CREATE TABLE audit_log (
       seq bigint PRIMARY KEY CHECK (seq >= 0),
       at bigint NOT NULL,
       kind text NOT NULL,
       payload text NOT NULL,
       prev_hash text NOT NULL CHECK (length(prev_hash) = 64),
       hash text NOT NULL CHECK (length(hash) = 64)
     );
     CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
         USING ERRCODE = 'insufficient_privilege';
     END;
     $$;
     CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
     CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
     REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;`,
  },
  {
    description: 'policy versions and the history of their activation',
    sql: `CREATE TABLE policy_versions (
       version text PRIMARY KEY,
       name text NOT NULL,
       text text NOT NULL,
       created_at bigint NOT NULL,
       created_by text NOT NULL
     );
     CREATE TABLE policy_activations (
       seq bigserial PRIMARY KEY,
       version text NOT NULL REFERENCES policy_versions (version),
       activated_at bigint NOT NULL,
       activated_by text NOT NULL
     );`,
  },
  {
    description: 'audit payload retention: per-organisation data keys and sealed payloads',
    sql: `CREATE TABLE audit_tenant_keys (
       id text PRIMARY KEY,
       org text NOT NULL,
       wrapped text,
       wrapping_key_id text,
       created_at bigint NOT NULL,
       erased_at bigint,
       CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
     );
     CREATE UNIQUE INDEX audit_tenant_keys_live ON audit_tenant_keys (org) WHERE erased_at IS NULL;
     CREATE TABLE audit_payloads (
       seq bigint PRIMARY KEY REFERENCES audit_log (seq),
       request_id text NOT NULL,
       org text NOT NULL,
       key_id text NOT NULL REFERENCES audit_tenant_keys (id),
       sealed text NOT NULL
     );
     CREATE FUNCTION audit_payloads_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit_payloads are written once: UPDATE refused'
         USING ERRCODE = 'insufficient_privilege';
     END;
     $$;
     CREATE TRIGGER audit_payloads_no_update BEFORE UPDATE ON audit_payloads
       FOR EACH ROW EXECUTE FUNCTION audit_payloads_refuse_update();`,
  },
  {
    description: 'what requests answered from the response cache saved',
    sql: `ALTER TABLE spend_ledger ADD COLUMN cache_saved_nanos bigint CHECK (cache_saved_nanos >= 0);`,
  },
  {
    description: "routing savings' baseline: the cost on the alias's strongest deployment",
    sql: `ALTER TABLE spend_ledger ADD COLUMN baseline_nanos bigint CHECK (baseline_nanos >= 0);`,
  },
  {
    description: 'console sign-in sessions (only a hash of each session id)',
    sql: `CREATE TABLE console_sessions (
       id_hash text PRIMARY KEY CHECK (length(id_hash) = 64),
       key_id text NOT NULL,
       csrf_token text NOT NULL,
       created_at bigint NOT NULL,
       expires_at bigint NOT NULL,
       last_seen_at bigint NOT NULL,
       revoked_at bigint
     );
     CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);`,
  },
  {
    description: 'the request log: metadata of every finished request (docs/request-log.md)',
    sql: `CREATE TABLE request_log (
       request_id text PRIMARY KEY,
       at bigint NOT NULL,
       method text NOT NULL,
       route text NOT NULL,
       status integer NOT NULL,
       outcome text NOT NULL,
       key_id text,
       org text,
       team text,
       user_id text,
       requested_model text,
       provider text,
       deployment text,
       upstream_model text,
       stream boolean NOT NULL,
       input_tokens bigint,
       output_tokens bigint,
       cache_read_tokens bigint,
       cache_write_tokens bigint,
       cost_nanos bigint,
       duration_ms double precision NOT NULL,
       upstream_ms double precision,
       error_code text,
       route_reason text,
       cache text,
       detail text NOT NULL DEFAULT '{}'
     );
     CREATE INDEX request_log_at ON request_log (at);
     CREATE INDEX request_log_key ON request_log (key_id, at);
     CREATE INDEX request_log_model ON request_log (requested_model, at);
     CREATE INDEX request_log_org ON request_log (org, at, request_id) INCLUDE (team, status,
       outcome, duration_ms, input_tokens, output_tokens, cost_nanos, requested_model);
     CREATE INDEX audit_payloads_request ON audit_payloads (request_id);`,
  },
  {
    description: 'budgets made through the admin API (integer nano-dollars; revoked rows kept)',
    sql: `CREATE TABLE budget_rules (
       id text PRIMARY KEY,
       scope text NOT NULL CHECK (scope IN ('key', 'user', 'team', 'org', 'tag', 'model')),
       match text,
       limit_nanos bigint NOT NULL CHECK (limit_nanos > 0),
       period text NOT NULL CHECK (period IN ('day', 'week', 'month', 'total')),
       mode text NOT NULL CHECK (mode IN ('hard', 'soft')),
       created_at bigint NOT NULL,
       created_by text NOT NULL,
       updated_at bigint NOT NULL,
       updated_by text NOT NULL,
       revoked_at bigint,
       revoked_by text
     );`,
  },
  {
    description: "audit request records by request id (the hold reaper's lookup after a crash)",
    // Partial: only request records carry one. The payload is text; the cast is immutable.
    sql: `CREATE INDEX audit_log_request_id ON audit_log (((payload::jsonb) ->> 'request_id'))
       WHERE kind = 'request';`,
  },
];

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
