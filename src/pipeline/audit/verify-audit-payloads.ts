import { safeParseJson, isJsonObject } from '../../lib/json.ts';
import type { AuditLogRecord, AuditLogStore, AuditPayloadStore } from '../../storage/ports.ts';
import { sealedPayloadDigest } from './audit-payload-sealing.ts';

/** A kept payload that does not match the record it belongs to. */
export interface AuditPayloadProblem {
  readonly kind: 'payload-digest-mismatch' | 'payload-without-record';
  readonly seq: number;
}

/** The digest a record says its payload has, if it says one. */
function retainedDigest(record: AuditLogRecord): string | undefined {
  const parsed = safeParseJson(record.payload);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const retained = parsed.value.retained_payload;
  return isJsonObject(retained) && typeof retained.sha256 === 'string'
    ? retained.sha256
    : undefined;
}

/**
 * Checks every kept payload against its chained record: the record must exist and name the
 * SHA-256 of exactly the stored sealed bytes, so a payload cannot be swapped, altered or
 * planted without detection. Payloads purged by retention or unreadable after an erasure are
 * not problems (the records stay and still verify). Reads both stores page by page.
 */
export async function verifyAuditPayloads(
  log: Pick<AuditLogStore, 'read'>,
  payloads: Pick<AuditPayloadStore, 'list'>,
  pageSize = 1000,
): Promise<{ checked: number; problems: AuditPayloadProblem[] }> {
  const problems: AuditPayloadProblem[] = [];
  let checked = 0;
  let from = 0;
  for (;;) {
    const rows = await payloads.list(from, pageSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      checked += 1;
      const [record] = await log.read(row.seq, 1);
      if (record?.seq !== row.seq) {
        problems.push({ kind: 'payload-without-record', seq: row.seq });
      } else if (retainedDigest(record) !== sealedPayloadDigest(row.sealed)) {
        problems.push({ kind: 'payload-digest-mismatch', seq: row.seq });
      }
    }
    from = (rows[rows.length - 1]?.seq ?? from) + 1;
    if (rows.length < pageSize) break;
  }
  return { checked, problems };
}
