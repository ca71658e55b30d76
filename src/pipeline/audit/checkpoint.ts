import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { hasControlCharacter } from '../../lib/control-characters.ts';

/**
 * Signed checkpoints in the C2SP `tlog-checkpoint` / `signed-note` text format:
 *
 * ```
 * <origin>\n
 * <tree size, decimal>\n
 * <base64 root hash>\n
 * \n
 * — <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n
 * ```
 *
 * The signature covers the body: the three lines including the last newline. The key id is the
 * first 4 bytes of SHA-256(key name || "\n" || 0x01 || raw 32-byte public key), 0x01 being the
 * signed-note algorithm byte for Ed25519. The origin names the log, so a checkpoint of one log
 * never passes as one of another. All functions are pure.
 */

/** The dash that starts a signature line (U+2014 EM DASH, then a space). */
const signaturePrefix = '\u2014 ';

/** An Ed25519 public key with the name it signs under. */
export interface CheckpointVerifierKey {
  readonly name: string;
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** An Ed25519 private key with the name it signs under. */
export interface CheckpointSignerKey {
  readonly name: string;
  readonly privateKey: KeyObject;
}

/** The body of a checkpoint. */
export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  /** 32 bytes. */
  readonly rootHash: Uint8Array;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly keyName: string;
  /** 4 bytes. */
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

/** A parsed signed checkpoint. */
export interface SignedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The exact signed text: the body lines with their newlines. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

function checkName(what: string, name: string): void {
  if (name === '' || /[\s+]/u.test(name) || hasControlCharacter(name)) {
    throw new RangeError(`the ${what} must be non-empty, without spaces, plus signs or controls`);
  }
}

/** The 4-byte signed-note key id of an Ed25519 key. */
export function checkpointKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, 0x01]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The raw 32-byte public key of an Ed25519 private or public key object. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || jwk.x === undefined) throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** An Ed25519 public key object from its raw 32 bytes. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** An Ed25519 private key object from its raw 32-byte seed. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** The checkpoint body text. Throws `RangeError` on a bad origin, size or hash length. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  if (checkpoint.origin === '' || hasControlCharacter(checkpoint.origin)) {
    throw new RangeError('the origin must be one non-empty line');
  }
  if (!Number.isSafeInteger(checkpoint.treeSize) || checkpoint.treeSize < 0) {
    throw new RangeError('the tree size must be a non-negative integer');
  }
  if (checkpoint.rootHash.length !== 32) throw new RangeError('the root hash is 32 bytes');
  const root = Buffer.from(checkpoint.rootHash).toString('base64');
  return `${checkpoint.origin}\n${String(checkpoint.treeSize)}\n${root}\n`;
}

/** The signed note text of `checkpoint`, signed by `signer`. */
export function signCheckpoint(checkpoint: Checkpoint, signer: CheckpointSignerKey): string {
  checkName('key name', signer.name);
  const body = formatCheckpointBody(checkpoint);
  const signature = sign(null, Buffer.from(body, 'utf8'), signer.privateKey);
  const keyId = checkpointKeyId(signer.name, rawEd25519PublicKey(signer.privateKey));
  const encoded = Buffer.concat([keyId, signature]).toString('base64');
  return `${body}\n${signaturePrefix}${signer.name} ${encoded}\n`;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer | undefined {
  if (!base64.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Only canonical encodings: the bytes must encode back to the same text.
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * Parses one signed checkpoint note (text as {@link signCheckpoint} writes it). Returns a
 * message instead of throwing when the text is not a well-formed checkpoint. Does not check
 * signatures: see {@link verifyCheckpointSignatures}.
 */
export function parseSignedCheckpoint(
  text: string,
): { ok: true; value: SignedCheckpoint } | { ok: false; message: string } {
  const split = text.indexOf('\n\n');
  if (split < 0) return { ok: false, message: 'no blank line between body and signatures' };
  const body = text.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, message: 'the body needs origin, size and root lines' };
  const [origin = '', sizeText = '', rootText = ''] = lines;
  if (origin === '') return { ok: false, message: 'empty origin' };
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    return { ok: false, message: 'the tree size is not a decimal integer' };
  }
  const rootHash = decodeBase64(rootText);
  if (rootHash?.length !== 32) return { ok: false, message: 'the root is not base64 of 32 bytes' };
  const signatureText = text.slice(split + 2);
  if (!signatureText.endsWith('\n')) return { ok: false, message: 'unterminated signature line' };
  const signatures: NoteSignature[] = [];
  for (const line of signatureText.slice(0, -1).split('\n')) {
    if (!line.startsWith(signaturePrefix)) return { ok: false, message: 'bad signature line' };
    const parts = line.slice(signaturePrefix.length).split(' ');
    const [keyName, encoded] = parts;
    const bytes = encoded === undefined ? undefined : decodeBase64(encoded);
    if (parts.length !== 2 || keyName === undefined || keyName === '' || bytes === undefined) {
      return { ok: false, message: 'bad signature line' };
    }
    if (bytes.length < 5) return { ok: false, message: 'signature too short' };
    signatures.push({ keyName, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  if (signatures.length === 0) return { ok: false, message: 'no signature lines' };
  return {
    ok: true,
    value: { checkpoint: { origin, treeSize: Number(sizeText), rootHash }, body, signatures },
  };
}

/** What the signatures of a checkpoint show against the trusted keys. */
export interface CheckpointSignatureCheck {
  /** Names of trusted keys with a valid signature. */
  readonly verifiedBy: readonly string[];
  /** Names of trusted keys (name and id match) whose signature does not verify. */
  readonly badSignatures: readonly string[];
  /** Names on signature lines that match no trusted key. */
  readonly unknownKeys: readonly string[];
}

/** Checks every signature line of `note` against `trusted`. Never throws. */
export function verifyCheckpointSignatures(
  note: SignedCheckpoint,
  trusted: readonly CheckpointVerifierKey[],
): CheckpointSignatureCheck {
  const verifiedBy: string[] = [];
  const badSignatures: string[] = [];
  const unknownKeys: string[] = [];
  const message = Buffer.from(note.body, 'utf8');
  for (const line of note.signatures) {
    const key = trusted.find(
      (candidate) =>
        candidate.name === line.keyName &&
        Buffer.compare(checkpointKeyId(candidate.name, candidate.publicKey), line.keyId) === 0,
    );
    if (key === undefined) {
      unknownKeys.push(line.keyName);
      continue;
    }
    let valid: boolean;
    try {
      valid =
        line.signature.length === 64 &&
        verify(null, message, ed25519PublicKeyFromRaw(key.publicKey), line.signature);
    } catch {
      valid = false;
    }
    (valid ? verifiedBy : badSignatures).push(line.keyName);
  }
  return { verifiedBy, badSignatures, unknownKeys };
}

/**
 * Splits a checkpoint file into notes. Each note is its body, a blank line, its signature lines,
 * and one more blank line that ends the block (as the file sink writes them).
 */
export function splitCheckpointFile(text: string): string[] {
  const notes: string[] = [];
  let current: string[] = [];
  let inSignatures = false;
  for (const line of text.split('\n')) {
    if (line === '') {
      if (current.length === 0) continue;
      if (!inSignatures) {
        inSignatures = true;
        current.push('');
        continue;
      }
      notes.push(`${current.join('\n')}\n`);
      current = [];
      inSignatures = false;
      continue;
    }
    current.push(line);
  }
  if (current.length > 0) notes.push(`${current.join('\n')}\n`);
  return notes;
}

/** The tree sizes of the parseable checkpoints of `origin` in a checkpoint file, in file order. */
export function checkpointSizes(fileText: string, origin: string): number[] {
  return splitCheckpointFile(fileText).flatMap((note) => {
    const parsed = parseSignedCheckpoint(note);
    return parsed.ok && parsed.value.checkpoint.origin === origin
      ? [parsed.value.checkpoint.treeSize]
      : [];
  });
}
