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
  {
    description: 'prompt templates: immutable versions and the history of label moves',
    sql: `CREATE TABLE prompt_versions (
       prompt_id text NOT NULL,
       version integer NOT NULL CHECK (version > 0),
       template text NOT NULL,
       sha256 text NOT NULL CHECK (length(sha256) = 64),
       note text NOT NULL,
       created_at bigint NOT NULL,
       created_by text NOT NULL,
       PRIMARY KEY (prompt_id, version)
     );
     CREATE FUNCTION prompt_history_refuse_change() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% rows are immutable: % refused', TG_TABLE_NAME, TG_OP; END $$;
     CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE OR DELETE ON prompt_versions
       FOR EACH ROW EXECUTE FUNCTION prompt_history_refuse_change();
     CREATE TABLE prompt_label_moves (
       seq bigserial PRIMARY KEY,
       prompt_id text NOT NULL,
       label text NOT NULL,
       targets text NOT NULL,
       moved_at bigint NOT NULL,
       moved_by text NOT NULL
     );
     CREATE INDEX prompt_label_moves_label ON prompt_label_moves (prompt_id, label, seq);
     CREATE TRIGGER prompt_label_moves_append_only BEFORE UPDATE OR DELETE ON prompt_label_moves
       FOR EACH ROW EXECUTE FUNCTION prompt_history_refuse_change();`,
  },
  {
    description: 'governed context documents: versions, approvals and revocations, attachments',
    sql: `CREATE TABLE context_document_versions (
       document_id text NOT NULL,
       version integer NOT NULL CHECK (version > 0),
       title text NOT NULL,
       owner text NOT NULL,
       content text NOT NULL,
       sha256 text NOT NULL CHECK (length(sha256) = 64),
       expires_at bigint,
       created_at bigint NOT NULL,
       created_by text NOT NULL,
       PRIMARY KEY (document_id, version)
     );
     CREATE FUNCTION context_history_refuse_change() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% rows are immutable: % refused', TG_TABLE_NAME, TG_OP; END $$;
     CREATE TRIGGER context_document_versions_immutable
       BEFORE UPDATE OR DELETE ON context_document_versions
       FOR EACH ROW EXECUTE FUNCTION context_history_refuse_change();
     CREATE TABLE context_document_events (
       seq bigserial PRIMARY KEY,
       document_id text NOT NULL,
       version integer NOT NULL,
       action text NOT NULL CHECK (action IN ('approve', 'revoke')),
       reason text NOT NULL,
       at bigint NOT NULL,
       by text NOT NULL,
       FOREIGN KEY (document_id, version)
         REFERENCES context_document_versions (document_id, version)
     );
     CREATE TRIGGER context_document_events_append_only
       BEFORE UPDATE OR DELETE ON context_document_events
       FOR EACH ROW EXECUTE FUNCTION context_history_refuse_change();
     CREATE TABLE context_attachments (
       id text PRIMARY KEY,
       document_id text NOT NULL,
       scope text NOT NULL CHECK (scope IN ('alias', 'team', 'route')),
       target text NOT NULL,
       version integer CHECK (version > 0),
       on_stale text NOT NULL CHECK (on_stale IN ('warn', 'block', 'caveat')),
       created_at bigint NOT NULL,
       created_by text NOT NULL,
       removed_at bigint,
       removed_by text
     );`,
  },
  {
    description: 'the prompt version of each logged request, to compare versions',
    sql: `ALTER TABLE request_log ADD COLUMN prompt_id text;
     ALTER TABLE request_log ADD COLUMN prompt_version integer;
     CREATE INDEX request_log_prompt ON request_log (prompt_id, at) WHERE prompt_id IS NOT NULL;`,
  },
];
