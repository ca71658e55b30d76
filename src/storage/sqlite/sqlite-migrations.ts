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
];
