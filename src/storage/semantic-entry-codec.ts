import { isJsonObject, safeParseJson } from '../lib/json.ts';
import type { ResponseCacheAddress, SharedSemanticEntry } from './ports.ts';

/** A vector as base64 of its little-endian float32 bytes. */
export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const vector = new Float32Array(bytes.length / 4);
  for (let index = 0; index < vector.length; index += 1)
    vector[index] = bytes.readFloatLE(index * 4);
  return vector;
}

/** The JSON text of an entry's fields besides the vector, for a row or a stream message. */
export function encodeSemanticMeta(entry: SharedSemanticEntry): string {
  return JSON.stringify({
    origin: entry.origin,
    partition: entry.partition,
    signature: entry.signature,
    address: entry.address,
    expiresAt: entry.expiresAt,
  });
}

/** The entry from its stored parts, or undefined when they are damaged (then it is skipped). */
export function decodeSemanticEntry(
  meta: string,
  vectorText: string,
): SharedSemanticEntry | undefined {
  const parsed = safeParseJson(meta);
  const vector = decodeVector(vectorText);
  if (!parsed.ok || !isJsonObject(parsed.value) || vector === undefined) return undefined;
  const { origin, partition, signature, address, expiresAt } = parsed.value;
  if (
    typeof origin !== 'string' ||
    typeof partition !== 'string' ||
    typeof signature !== 'string' ||
    typeof expiresAt !== 'number' ||
    !isJsonObject(address) ||
    typeof address.org !== 'string' ||
    typeof address.scope !== 'string' ||
    typeof address.alias !== 'string' ||
    typeof address.digest !== 'string'
  ) {
    return undefined;
  }
  const cacheAddress: ResponseCacheAddress = {
    org: address.org,
    scope: address.scope,
    alias: address.alias,
    digest: address.digest,
  };
  return { origin, partition, vector, signature, address: cacheAddress, expiresAt };
}
