import { readFileSync } from 'node:fs';
import { isJsonObject, safeParseJson } from '../../../lib/json.ts';
import { hashText } from './feature-hash.ts';

/** The format tag of `data/cache/lexical-idf.json`; a new layout gets a new version. */
export const lexicalIdfFormat = 'signalbox-lexical-idf-v1';

/**
 * Inverse document frequency per hashed feature. The feature's mixed hash picks a slot from its
 * top `hashBits` bits; the slot holds the IDF quantised to steps of 1/`scale` in one byte, which
 * keeps the shipped table small (2^18 slots = 256 KiB before base64).
 */
export interface LexicalIdfTable {
  readonly hashBits: number;
  readonly scale: number;
  readonly documents: number;
  readonly slots: Uint8Array;
  /** Eight hex digits over the slots: part of the encoder id, so a rebuilt table never mixes. */
  readonly checksum: string;
}

/** The file layout: the slots are base64. */
export interface LexicalIdfFile {
  readonly format: typeof lexicalIdfFormat;
  readonly hashBits: number;
  readonly scale: number;
  readonly documents: number;
  readonly source: string;
  readonly slots: string;
}

/** Raised when an IDF file is unreadable or malformed; the message names the problem only. */
export class LexicalIdfError extends Error {
  override readonly name = 'LexicalIdfError';
}

/** Where the shipped table lives: `data/cache/lexical-idf.json` at the package root. */
export const shippedLexicalIdfPath = new URL(
  '../../../../data/cache/lexical-idf.json',
  import.meta.url,
);

/** Eight hex digits of FNV-1a over the slot bytes. Pure. */
export function idfChecksum(slots: Uint8Array): string {
  // Latin-1 keeps one code unit per byte, so the string hash covers every byte exactly once.
  return hashText(Buffer.from(slots).toString('latin1')).toString(16).padStart(8, '0');
}

/** The IDF of one mixed feature hash. Pure. */
export function idfOf(table: LexicalIdfTable, mixedHash: number): number {
  return (table.slots[mixedHash >>> (32 - table.hashBits)] ?? 0) / table.scale;
}

/** Validates a parsed IDF file. Throws {@link LexicalIdfError} on any mismatch. */
export function parseLexicalIdf(value: unknown): LexicalIdfTable {
  if (!isJsonObject(value) || value.format !== lexicalIdfFormat) {
    throw new LexicalIdfError(`lexical IDF: expected format ${lexicalIdfFormat}`);
  }
  const { hashBits, scale, documents, slots } = value;
  if (
    typeof hashBits !== 'number' ||
    !Number.isInteger(hashBits) ||
    hashBits < 8 ||
    hashBits > 24
  ) {
    throw new LexicalIdfError('lexical IDF: hashBits must be an integer from 8 to 24');
  }
  if (
    typeof scale !== 'number' ||
    !(scale > 0) ||
    typeof documents !== 'number' ||
    !(documents > 0)
  ) {
    throw new LexicalIdfError('lexical IDF: scale and documents must be positive numbers');
  }
  if (typeof slots !== 'string') throw new LexicalIdfError('lexical IDF: slots must be base64');
  const bytes = new Uint8Array(Buffer.from(slots, 'base64'));
  if (bytes.length !== 2 ** hashBits) {
    throw new LexicalIdfError(`lexical IDF: expected ${String(2 ** hashBits)} slots`);
  }
  return { hashBits, scale, documents, slots: bytes, checksum: idfChecksum(bytes) };
}

/**
 * Reads and validates an IDF file (the shipped one by default). Throws {@link LexicalIdfError} when
 * it is unreadable, not JSON, or malformed.
 */
export function loadLexicalIdf(path: string | URL = shippedLexicalIdfPath): LexicalIdfTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new LexicalIdfError(`lexical IDF: cannot read the file (${reason})`);
  }
  const json = safeParseJson(text);
  if (!json.ok) throw new LexicalIdfError('lexical IDF: the file is not valid JSON');
  return parseLexicalIdf(json.value);
}
