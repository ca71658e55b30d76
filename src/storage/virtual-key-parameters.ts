import type { VirtualKeyChanges, VirtualKeyRecord } from './ports.ts';

/**
 * A key record as SQL parameters, in the column order every SQL backend's insert uses
 * ({@link virtualKeyColumns}): lists and metadata as JSON text.
 */
export function virtualKeyParameters(record: VirtualKeyRecord) {
  return [
    record.id,
    record.name,
    record.role,
    record.secretHash,
    record.allowedModels === null ? null : JSON.stringify(record.allowedModels),
    record.team,
    JSON.stringify(record.tags),
    record.createdAt,
    record.expiresAt,
    record.revokedAt,
    record.org,
    record.ownerUser,
    record.allowedRoutes === null ? null : JSON.stringify(record.allowedRoutes),
    record.maxOutputTokens,
    JSON.stringify(record.metadata),
    record.createdBy,
  ] as const;
}

/** The columns {@link virtualKeyParameters} fills, in its order. */
export const virtualKeyColumns =
  'id, name, role, secret_hash, allowed_models, team, tags, created_at, expires_at, revoked_at, org, owner_user, allowed_routes, max_output_tokens, metadata, created_by';

/**
 * The columns a key update may set, in the order of {@link virtualKeyChangeParameters}, with
 * whether the value is JSON. Constant text: update SQL is built from these names only.
 */
export const mutableKeyColumns = [
  { column: 'name', json: false },
  { column: 'allowed_models', json: true },
  { column: 'allowed_routes', json: true },
  { column: 'max_output_tokens', json: false },
  { column: 'metadata', json: true },
  { column: 'expires_at', json: false },
  { column: 'tags', json: true },
] as const;

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/**
 * Key changes as pairs of SQL parameters, one pair per {@link mutableKeyColumns} entry: whether
 * the column changes, then its new value (null when unchanged). Statements use each pair as
 * `column = CASE WHEN <flag> THEN <value> ELSE column END`, so one statement applies any subset.
 */
export function virtualKeyChangeParameters(
  changes: VirtualKeyChanges,
): (string | number | boolean | null)[] {
  const values: [boolean, string | number | null][] = [
    [changes.name !== undefined, changes.name ?? null],
    [changes.allowedModels !== undefined, json(changes.allowedModels ?? null)],
    [changes.allowedRoutes !== undefined, json(changes.allowedRoutes ?? null)],
    [changes.maxOutputTokens !== undefined, changes.maxOutputTokens ?? null],
    [changes.metadata !== undefined, json(changes.metadata ?? null)],
    [changes.expiresAt !== undefined, changes.expiresAt ?? null],
    [changes.tags !== undefined, json(changes.tags ?? null)],
  ];
  return values.flat();
}
