/**
 * Schema migrations of the embedded database, in order; entry N brings the schema from version N
 * to N+1 (`PRAGMA user_version`). Never edit a released entry: append a new one.
 */
export const sqliteMigrations: readonly string[] = [
  `CREATE TABLE virtual_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'application')),
     secret_hash BLOB NOT NULL,
     allowed_models TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     revoked_at INTEGER
   ) STRICT;
   CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at);`,
  // 1 -> 2: keys carry a team and tags, for routing rules. Existing keys get no team and no tags.
  `ALTER TABLE virtual_keys ADD COLUMN team TEXT;
   ALTER TABLE virtual_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'
     CHECK (json_type(tags) = 'array');`,
  // 2 -> 3: organisations, teams and users; keys gain an organisation, an owner, route and
  // output-token limits, metadata and their creator, and the five roles ('application' keys
  // become 'service'). The role CHECK can only change by rebuilding the table. Existing keys
  // and the teams they name belong to the organisation `default`.
  `CREATE TABLE organisations (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   INSERT INTO organisations (id, name, created_at) VALUES ('default', 'Default', 0);
   CREATE TABLE teams (
     org TEXT NOT NULL REFERENCES organisations (id),
     id TEXT NOT NULL,
     name TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (org, id)
   ) STRICT;
   INSERT INTO teams (org, id, name, created_at)
     SELECT 'default', team, team, min(created_at) FROM virtual_keys
     WHERE team IS NOT NULL GROUP BY team;
   CREATE TABLE users (
     id TEXT PRIMARY KEY,
     org TEXT NOT NULL REFERENCES organisations (id),
     email TEXT NOT NULL,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'team_admin', 'member', 'viewer')),
     teams TEXT NOT NULL DEFAULT '[]' CHECK (json_type(teams) = 'array'),
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX users_org ON users (org, created_at);
   CREATE TABLE virtual_keys_v3 (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'team_admin', 'member', 'viewer', 'service')),
     secret_hash BLOB NOT NULL,
     allowed_models TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     revoked_at INTEGER,
     team TEXT,
     tags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tags) = 'array'),
     org TEXT NOT NULL DEFAULT 'default',
     owner_user TEXT,
     allowed_routes TEXT CHECK (allowed_routes IS NULL OR json_type(allowed_routes) = 'array'),
     max_output_tokens INTEGER CHECK (max_output_tokens IS NULL OR max_output_tokens > 0),
     metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_type(metadata) = 'object'),
     created_by TEXT NOT NULL DEFAULT 'migration'
   ) STRICT;
   INSERT INTO virtual_keys_v3
       (id, name, role, secret_hash, allowed_models, created_at, expires_at, revoked_at, team, tags)
     SELECT id, name, CASE role WHEN 'application' THEN 'service' ELSE role END, secret_hash,
       allowed_models, created_at, expires_at, revoked_at, team, tags
     FROM virtual_keys;
   DROP TABLE virtual_keys;
   ALTER TABLE virtual_keys_v3 RENAME TO virtual_keys;
   CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at);
   CREATE INDEX virtual_keys_org ON virtual_keys (org, created_at);`,
  // Provider credentials stored through the admin API: only AES-256-GCM ciphertext and its key
  // id, never the value (see src/lib/credential-envelope.ts). Self-contained: its own table.
  `CREATE TABLE IF NOT EXISTS provider_credentials (
     name TEXT PRIMARY KEY,
     key_id TEXT NOT NULL,
     ciphertext BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT;`,
  // The spend ledger (one row per request, the truth of spend) and the budget counters and
  // reservations kept beside it. Self-contained: its own tables.
  `CREATE TABLE spend_ledger (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL UNIQUE,
     at INTEGER NOT NULL,
     key_id TEXT NOT NULL,
     user_id TEXT,
     org TEXT,
     team TEXT,
     tags TEXT NOT NULL CHECK (json_type(tags) = 'array'),
     model TEXT NOT NULL,
     provider TEXT,
     deployment TEXT,
     upstream_model TEXT,
     input_tokens INTEGER,
     output_tokens INTEGER,
     cache_read_tokens INTEGER,
     cache_write_tokens INTEGER,
     reasoning_tokens INTEGER,
     cost_nanos INTEGER NOT NULL CHECK (cost_nanos >= 0),
     estimated INTEGER NOT NULL CHECK (estimated IN (0, 1)),
     outcome TEXT NOT NULL
   ) STRICT;
   CREATE INDEX spend_ledger_at ON spend_ledger (at);
   CREATE INDEX spend_ledger_key_at ON spend_ledger (key_id, at);
   CREATE INDEX spend_ledger_user_at ON spend_ledger (user_id, at);
   CREATE INDEX spend_ledger_org_at ON spend_ledger (org, at);
   CREATE INDEX spend_ledger_team_at ON spend_ledger (team, at);
   CREATE INDEX spend_ledger_model_at ON spend_ledger (model, at);
   CREATE TABLE budget_counters (
     line_key TEXT PRIMARY KEY,
     spent_nanos INTEGER NOT NULL,
     reserved_nanos INTEGER NOT NULL CHECK (reserved_nanos >= 0)
   ) STRICT;
   CREATE TABLE budget_reservations (
     request_id TEXT PRIMARY KEY,
     at INTEGER NOT NULL,
     amount_nanos INTEGER NOT NULL CHECK (amount_nanos >= 0),
     line_keys TEXT NOT NULL CHECK (json_type(line_keys) = 'array'),
     subject TEXT NOT NULL CHECK (json_type(subject) = 'object'),
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX budget_reservations_expires_at ON budget_reservations (expires_at);`,
  // Every index is written on every request, on the event loop: keep the ledger to its time
  // index (periods and reports scan by time) and its unique request id. Rebuilding a counter
  // then scans its period; that happens once per scope value and period.
  `DROP INDEX spend_ledger_key_at;
   DROP INDEX spend_ledger_user_at;
   DROP INDEX spend_ledger_org_at;
   DROP INDEX spend_ledger_team_at;
   DROP INDEX spend_ledger_model_at;`,
  // The tamper-evident audit log (docs/audit.md). The payload is the canonical JSON text as
  // hashed, kept as TEXT byte for byte. Triggers refuse every UPDATE and DELETE of its rows.
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY CHECK (seq >= 0),
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     payload TEXT NOT NULL,
     prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
     hash TEXT NOT NULL CHECK (length(hash) = 64)
   ) STRICT;
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;`,
  // Policy documents by version (the hash of their meaning) and the append-only history of
  // which version was put in force, when and by whom: the latest activation is in force.
  `CREATE TABLE policy_versions (
     version TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     text TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL
   ) STRICT;
   CREATE TABLE policy_activations (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     version TEXT NOT NULL REFERENCES policy_versions (version),
     activated_at INTEGER NOT NULL,
     activated_by TEXT NOT NULL
   ) STRICT;`,
  // Optional payload retention (docs/audit.md): each organisation's data key, sealed under the
  // encryption key and destroyed (set NULL) on erasure; payloads sealed under it, one per audit
  // record, deleted only by retention purges. Sealed bytes are base64 text.
  `CREATE TABLE audit_tenant_keys (
     id TEXT PRIMARY KEY,
     org TEXT NOT NULL,
     wrapped TEXT,
     wrapping_key_id TEXT,
     created_at INTEGER NOT NULL,
     erased_at INTEGER,
     CHECK ((wrapped IS NULL) = (erased_at IS NOT NULL))
   ) STRICT;
   CREATE UNIQUE INDEX audit_tenant_keys_live ON audit_tenant_keys (org) WHERE erased_at IS NULL;
   CREATE TABLE audit_payloads (
     seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),
     request_id TEXT NOT NULL,
     org TEXT NOT NULL,
     key_id TEXT NOT NULL REFERENCES audit_tenant_keys (id),
     sealed TEXT NOT NULL
   ) STRICT;
   CREATE TRIGGER audit_payloads_no_update BEFORE UPDATE ON audit_payloads
   BEGIN SELECT RAISE(ABORT, 'audit_payloads are written once: UPDATE refused'); END;`,
  // Requests answered from the response cache: what the answer had cost (NULL: not a hit).
  `ALTER TABLE spend_ledger ADD COLUMN cache_saved_nanos INTEGER CHECK (cache_saved_nanos >= 0);`,
  // Routing savings' baseline: the same usage on the alias's strongest deployment (NULL: none).
  `ALTER TABLE spend_ledger ADD COLUMN baseline_nanos INTEGER CHECK (baseline_nanos >= 0);`,
  // Console sign-in sessions (docs/authentication.md): only a SHA-256 of the session id is kept,
  // with the key it stands for; every request re-reads that key, so revoking it ends them.
  `CREATE TABLE console_sessions (
     id_hash TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
     key_id TEXT NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     revoked_at INTEGER
   ) STRICT;
   CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);`,
  // The request log (docs/request-log.md): metadata of every finished request, newest first by
  // (at, request_id); filtered by key, model or organisation over a time range. Every admin query
  // is scoped to an organisation, so its index also covers what searches order by and what the
  // stats read: a 30-day report scans that index alone, never the wide rows
  // (bench/request-log-queries.ts). Prompts and answers are never here: kept payloads stay in
  // audit_payloads, found by request id.
  `CREATE TABLE request_log (
     request_id TEXT PRIMARY KEY,
     at INTEGER NOT NULL,
     method TEXT NOT NULL,
     route TEXT NOT NULL,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     key_id TEXT,
     org TEXT,
     team TEXT,
     user_id TEXT,
     requested_model TEXT,
     provider TEXT,
     deployment TEXT,
     upstream_model TEXT,
     stream INTEGER NOT NULL,
     input_tokens INTEGER,
     output_tokens INTEGER,
     cache_read_tokens INTEGER,
     cache_write_tokens INTEGER,
     cost_nanos INTEGER,
     duration_ms REAL NOT NULL,
     upstream_ms REAL,
     error_code TEXT,
     route_reason TEXT,
     cache TEXT,
     detail TEXT NOT NULL DEFAULT '{}'
   ) STRICT;
   CREATE INDEX request_log_at ON request_log (at);
   CREATE INDEX request_log_key ON request_log (key_id, at);
   CREATE INDEX request_log_model ON request_log (requested_model, at);
   CREATE INDEX request_log_org ON request_log (org, at, request_id, team, status, outcome,
     duration_ms, input_tokens, output_tokens, cost_nanos, requested_model);
   CREATE INDEX audit_payloads_request ON audit_payloads (request_id);`,
  // Budgets made through the admin API (docs/budgets.md), in force beside the configured ones.
  // Limits are integer nano-dollars (no float drift); revoked rows stay for history.
  `CREATE TABLE budget_rules (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL CHECK (scope IN ('key', 'user', 'team', 'org', 'tag', 'model')),
     match TEXT,
     limit_nanos INTEGER NOT NULL CHECK (limit_nanos > 0),
     period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month', 'total')),
     mode TEXT NOT NULL CHECK (mode IN ('hard', 'soft')),
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     revoked_at INTEGER,
     revoked_by TEXT
   ) STRICT;`,
  // Audit request records by request id: the hold reaper looks up whether a request that never
  // settled (its process died) was audited before writing its ledger row.
  `CREATE INDEX audit_log_request_id ON audit_log (json_extract(payload, '$.request_id'))
     WHERE kind = 'request';`,
  // Prompt templates (docs/prompts.md): immutable numbered versions per prompt, and the
  // append-only history of label moves (a label's latest move is where it points; an empty
  // target list removes it). Both refuse UPDATE and DELETE.
  `CREATE TABLE prompt_versions (
     prompt_id TEXT NOT NULL,
     version INTEGER NOT NULL CHECK (version > 0),
     template TEXT NOT NULL,
     sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
     note TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     PRIMARY KEY (prompt_id, version)
   ) STRICT;
   CREATE TRIGGER prompt_versions_no_update BEFORE UPDATE ON prompt_versions
   BEGIN SELECT RAISE(ABORT, 'prompt versions are immutable: UPDATE refused'); END;
   CREATE TRIGGER prompt_versions_no_delete BEFORE DELETE ON prompt_versions
   BEGIN SELECT RAISE(ABORT, 'prompt versions are immutable: DELETE refused'); END;
   CREATE TABLE prompt_label_moves (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     prompt_id TEXT NOT NULL,
     label TEXT NOT NULL,
     targets TEXT NOT NULL,
     moved_at INTEGER NOT NULL,
     moved_by TEXT NOT NULL
   ) STRICT;
   CREATE INDEX prompt_label_moves_label ON prompt_label_moves (prompt_id, label, seq);
   CREATE TRIGGER prompt_label_moves_no_update BEFORE UPDATE ON prompt_label_moves
   BEGIN SELECT RAISE(ABORT, 'prompt label moves are immutable: UPDATE refused'); END;
   CREATE TRIGGER prompt_label_moves_no_delete BEFORE DELETE ON prompt_label_moves
   BEGIN SELECT RAISE(ABORT, 'prompt label moves are immutable: DELETE refused'); END;`,
  // Governed context documents (docs/prompts.md): immutable numbered versions, the append-only
  // history of approvals and revocations, and where documents are attached (removal is marked,
  // the row stays for history).
  `CREATE TABLE context_document_versions (
     document_id TEXT NOT NULL,
     version INTEGER NOT NULL CHECK (version > 0),
     title TEXT NOT NULL,
     owner TEXT NOT NULL,
     content TEXT NOT NULL,
     sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
     expires_at INTEGER,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     PRIMARY KEY (document_id, version)
   ) STRICT;
   CREATE TRIGGER context_document_versions_no_update BEFORE UPDATE ON context_document_versions
   BEGIN SELECT RAISE(ABORT, 'context document versions are immutable: UPDATE refused'); END;
   CREATE TRIGGER context_document_versions_no_delete BEFORE DELETE ON context_document_versions
   BEGIN SELECT RAISE(ABORT, 'context document versions are immutable: DELETE refused'); END;
   CREATE TABLE context_document_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     document_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('approve', 'revoke')),
     reason TEXT NOT NULL,
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     FOREIGN KEY (document_id, version) REFERENCES context_document_versions (document_id, version)
   ) STRICT;
   CREATE TRIGGER context_document_events_no_update BEFORE UPDATE ON context_document_events
   BEGIN SELECT RAISE(ABORT, 'context document events are immutable: UPDATE refused'); END;
   CREATE TRIGGER context_document_events_no_delete BEFORE DELETE ON context_document_events
   BEGIN SELECT RAISE(ABORT, 'context document events are immutable: DELETE refused'); END;
   CREATE TABLE context_attachments (
     id TEXT PRIMARY KEY,
     document_id TEXT NOT NULL,
     scope TEXT NOT NULL CHECK (scope IN ('alias', 'team', 'route')),
     target TEXT NOT NULL,
     version INTEGER CHECK (version > 0),
     on_stale TEXT NOT NULL CHECK (on_stale IN ('warn', 'block', 'caveat')),
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     removed_at INTEGER,
     removed_by TEXT
   ) STRICT;`,
  // Which prompt version shaped a request, so versions of a prompt compare side by side.
  `ALTER TABLE request_log ADD COLUMN prompt_id TEXT;
   ALTER TABLE request_log ADD COLUMN prompt_version INTEGER;
   CREATE INDEX request_log_prompt ON request_log (prompt_id, at) WHERE prompt_id IS NOT NULL;`,
];
