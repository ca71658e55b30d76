import { createHash } from 'node:crypto';
import type { AuditLogRecord } from '../../storage/ports.ts';
import { hasControlCharacter } from '../../lib/control-characters.ts';
import { canonicalJson } from './canonical-json.ts';

/** The `prevHash` of record 0: 32 zero bytes, in hex. */
export const genesisPrevHash = '0'.repeat(64);

/** Prefix of every record hash input, so a record hash is never mistaken for another hash. */
const recordDomain = 'signalbox-audit-record-v1\n';

/** What the caller says happened; the builder adds the chain fields. */
export interface AuditEvent {
  /** Epoch milliseconds (an integer). */
  readonly at: number;
  /** A short event name such as `key.create`; non-empty, no control characters. */
  readonly kind: string;
  /**
   * A JSON object. It must never carry secrets (raw keys, full key hashes, prompts): callers
   * reference keys by id. The builder canonicalises it; it does not judge what is in it.
   */
  readonly payload: Readonly<Record<string, unknown>>;
}

function uint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([uint64(bytes.length), bytes]);
}

/**
 * The record hash: SHA-256 over `"signalbox-audit-record-v1\n"`, then seq and at as unsigned
 * 64-bit big-endian integers, then kind and the canonical payload text each as a 64-bit
 * big-endian byte length and its UTF-8 bytes, then the 32 bytes of `prevHash`. Lengths make the
 * encoding unambiguous. Pure; throws `RangeError` on a malformed field.
 */
export function computeAuditRecordHash(record: Omit<AuditLogRecord, 'hash'>): string {
  checkInteger('seq', record.seq);
  checkInteger('at', record.at);
  if (!/^[0-9a-f]{64}$/.test(record.prevHash)) {
    throw new RangeError('audit prevHash must be 64 lowercase hex digits');
  }
  return createHash('sha256')
    .update(recordDomain, 'utf8')
    .update(uint64(record.seq))
    .update(uint64(record.at))
    .update(lengthPrefixed(record.kind))
    .update(lengthPrefixed(record.payload))
    .update(Buffer.from(record.prevHash, 'hex'))
    .digest('hex');
}

function checkInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`audit ${name} must be a non-negative safe integer`);
  }
}

/**
 * The record that follows `previous` (or record 0 when `previous` is undefined) for `event`.
 * Pure. Throws `TypeError` when the payload has no canonical JSON form or is not an object, and
 * `RangeError` on a bad `at` or `kind`.
 */
export function buildAuditRecord(
  previous: AuditLogRecord | undefined,
  event: AuditEvent,
): AuditLogRecord {
  if (event.kind === '' || hasControlCharacter(event.kind)) {
    throw new RangeError('audit kind must be non-empty text without control characters');
  }
  if (typeof event.payload !== 'object' || Array.isArray(event.payload)) {
    throw new TypeError('an audit payload is a JSON object');
  }
  const unsigned = {
    seq: previous === undefined ? 0 : previous.seq + 1,
    at: event.at,
    kind: event.kind,
    payload: canonicalJson(event.payload),
    prevHash: previous === undefined ? genesisPrevHash : previous.hash,
  };
  return { ...unsigned, hash: computeAuditRecordHash(unsigned) };
}

/** Builds consecutive records for `events` after `previous`. Pure. */
export function buildAuditRecords(
  previous: AuditLogRecord | undefined,
  events: readonly AuditEvent[],
): AuditLogRecord[] {
  const records: AuditLogRecord[] = [];
  let last = previous;
  for (const event of events) {
    last = buildAuditRecord(last, event);
    records.push(last);
  }
  return records;
}
