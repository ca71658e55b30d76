import type { OpenedPayload } from '../pipeline/audit/audit-payload-vault.ts';

/** Who did something through the admin API, as recorded in the audit log. */
export interface AuditActor {
  readonly agent: string;
  readonly org: string | undefined;
}

/**
 * Payload retention as the admin API uses it (docs/audit.md). Both operations are themselves
 * audited: a read as `audit.payload_read`, an erasure as `audit.tenant_key_erased`.
 */
export interface AuditPayloadAccess {
  /** The payload kept for record `seq`. */
  read(seq: number, reader: AuditActor): Promise<OpenedPayload>;
  /** Destroys the organisation's payload keys; resolves the erased key ids. */
  erase(org: string, by: AuditActor): Promise<string[]>;
}
