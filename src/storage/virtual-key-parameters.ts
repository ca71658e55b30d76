import type { VirtualKeyRecord } from './ports.ts';

/**
 * A key record as SQL parameters, in the column order every SQL backend's insert uses: id, name,
 * role, secret hash, allowed models (JSON or null), team, tags (JSON), created, expires, revoked.
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
  ] as const;
}
