import { hash } from 'node:crypto';
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

const recordDomainBytes = Buffer.from(recordDomain, 'utf8');

/** Writes `value` (a safe non-negative integer) as an unsigned 64-bit big-endian integer. */
function writeUint64(bytes: Buffer, value: number, offset: number): number {
  bytes.writeUInt32BE(Math.floor(value / 2 ** 32), offset);
  return bytes.writeUInt32BE(value % 2 ** 32, offset + 4);
}

/** Writes `text` as its UTF-8 byte length (64-bit big-endian) and its UTF-8 bytes. */
function writeLengthPrefixed(
  bytes: Buffer,
  text: string,
  byteLength: number,
  offset: number,
): number {
  const start = writeUint64(bytes, byteLength, offset);
  return start + bytes.write(text, start, 'utf8');
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
  // One buffer hashed at once: the hash input is a few hundred bytes, where a hash object and a
  // buffer per field cost as much as the hashing.
  const kindLength = Buffer.byteLength(record.kind, 'utf8');
  const payloadLength = Buffer.byteLength(record.payload, 'utf8');
  const bytes = Buffer.allocUnsafe(recordDomainBytes.length + 32 + kindLength + payloadLength + 32);
  let offset = recordDomainBytes.copy(bytes, 0);
  offset = writeUint64(bytes, record.seq, offset);
  offset = writeUint64(bytes, record.at, offset);
  offset = writeLengthPrefixed(bytes, record.kind, kindLength, offset);
  offset = writeLengthPrefixed(bytes, record.payload, payloadLength, offset);
  bytes.write(record.prevHash, offset, 'hex');
  return hash('sha256', bytes, 'hex');
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
