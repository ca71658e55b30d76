import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../../test/helpers/fuzz-settings.ts';
import { computeAuditRecordHash } from './audit-record.ts';
import { canonicalJson } from './canonical-json.ts';

// The fast writers of the audit chain against the plainest statement of their formats: canonical
// JSON as sorted keys and JSON.stringify for every leaf, the record hash as one hash update per
// field of the documented encoding. A difference would fork the chain from what verifiers (and
// records written before) compute.

/** Canonical JSON in its plainest form: keys sorted with `sort()`, leaves as JSON.stringify. */
function referenceCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return Object.is(value, -0) ? '0' : JSON.stringify(value);
}

function u64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** The documented record hash, one update per field. */
function referenceRecordHash(record: {
  seq: number;
  at: number;
  kind: string;
  payload: string;
  prevHash: string;
}): string {
  const kind = Buffer.from(record.kind, 'utf8');
  const payload = Buffer.from(record.payload, 'utf8');
  return createHash('sha256')
    .update('signalbox-audit-record-v1\n')
    .update(u64(record.seq))
    .update(u64(record.at))
    .update(u64(kind.length))
    .update(kind)
    .update(u64(payload.length))
    .update(payload)
    .update(Buffer.from(record.prevHash, 'hex'))
    .digest('hex');
}

/** Well-formed text of every kind: ASCII, escapes, control characters, BMP and astral. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', 'é'),
  }),
);

/** JSON values with such text in keys and strings, many keys per object included. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    text,
    fc.array(tie('value')),
    fc.dictionary(text, tie('value'), { maxKeys: 40 }),
  ),
})).value;

describe('audit record writers match their reference encodings', () => {
  it('canonical JSON is sorted keys and JSON.stringify leaves, and parses back to the value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const written = canonicalJson(value);
        expect(written).toBe(referenceCanonicalJson(value));
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      fuzzParameters(300),
    );
  });

  it('the record hash is the documented encoding', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.maxSafeNat(),
          at: fc.maxSafeNat(),
          kind: text,
          payload: text,
          prevHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        }),
        (fields) => {
          const record = { ...fields, prevHash: Buffer.from(fields.prevHash).toString('hex') };
          expect(computeAuditRecordHash(record)).toBe(referenceRecordHash(record));
        },
      ),
      fuzzParameters(300),
    );
  });
});
