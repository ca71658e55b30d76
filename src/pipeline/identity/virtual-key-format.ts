import { hash } from 'node:crypto';
import { createRandomBase62 } from '../../lib/ids.ts';

/** Every Signalbox key starts with this, so secret scanners and people can recognise it. */
export const virtualKeyPrefix = 'sk-sb-';
const idLength = 12;
const secretLength = 32;
const keyPattern = /^sk-sb-[0-9A-Za-z]{44}$/;

/** A newly minted key: the text is shown once and never stored. */
export interface MintedKey {
  readonly id: string;
  readonly text: string;
  readonly secretHash: Buffer;
}

/** SHA-256 of a key's text; what the store keeps. Keys carry 190 random bits, so no slow hash is needed. */
export function hashKeyText(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/** Creates a key `sk-sb-<12-character id><32-character secret>` from a cryptographic source. */
export function mintVirtualKey(): MintedKey {
  const id = createRandomBase62(idLength);
  const text = `${virtualKeyPrefix}${id}${createRandomBase62(secretLength)}`;
  return { id, text, secretHash: hashKeyText(text) };
}

/** The public id inside a key's text, or undefined when the text is not shaped like a key. */
export function readKeyId(text: string): string | undefined {
  return keyPattern.test(text)
    ? text.slice(virtualKeyPrefix.length, virtualKeyPrefix.length + idLength)
    : undefined;
}

/** A key's displayable form: the prefix and id, never the secret (`sk-sb-AbCd1234EfGh…`). */
export function describeKey(id: string): string {
  return `${virtualKeyPrefix}${id}…`;
}
