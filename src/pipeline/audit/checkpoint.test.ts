import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointKeyId,
  ed25519PrivateKeyFromSeed,
  formatCheckpointBody,
  parseSignedCheckpoint,
  rawEd25519PublicKey,
  signCheckpoint,
  splitCheckpointFile,
  verifyCheckpointSignatures,
} from './checkpoint.ts';

const seed = Buffer.alloc(32, 7);
const signer = { name: 'example.com/log', privateKey: ed25519PrivateKeyFromSeed(seed) };
const verifier = { name: signer.name, publicKey: rawEd25519PublicKey(signer.privateKey) };
const root = createHash('sha256').update('root').digest();
const checkpoint = { origin: 'example.com/log', treeSize: 42, rootHash: root };

describe('signed checkpoints', () => {
  it('writes the C2SP checkpoint text', () => {
    const note = signCheckpoint(checkpoint, signer);
    const lines = note.split('\n');
    expect(lines[0]).toBe('example.com/log');
    expect(lines[1]).toBe('42');
    expect(lines[2]).toBe(root.toString('base64'));
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^\u2014 example\.com\/log [A-Za-z0-9+/]+=*$/);
    expect(lines[5]).toBe('');
    const blob = Buffer.from(lines[4]!.split(' ')[2]!, 'base64');
    expect(blob).toHaveLength(68);
    expect(blob.subarray(0, 4)).toEqual(checkpointKeyId(signer.name, verifier.publicKey));
    expect(formatCheckpointBody(checkpoint)).toBe(`${lines.slice(0, 3).join('\n')}\n`);
  });

  it('computes the signed-note key id as SHA-256(name \\n 0x01 key)[:4]', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('n\n'), Buffer.from([1]), verifier.publicKey]))
      .digest()
      .subarray(0, 4);
    expect(checkpointKeyId('n', verifier.publicKey)).toEqual(expected);
  });

  it('parses and verifies what it signs', () => {
    const parsed = parseSignedCheckpoint(signCheckpoint(checkpoint, signer));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.checkpoint).toEqual(checkpoint);
    expect(verifyCheckpointSignatures(parsed.value, [verifier])).toEqual({
      verifiedBy: [signer.name],
      badSignatures: [],
      unknownKeys: [],
    });
  });

  it('reports unknown keys and bad signatures', () => {
    const note = signCheckpoint(checkpoint, signer);
    const other = generateKeyPairSync('ed25519').privateKey;
    const parsed = parseSignedCheckpoint(note);
    if (!parsed.ok) throw new Error(parsed.message);
    const stranger = { name: signer.name, publicKey: rawEd25519PublicKey(other) };
    expect(verifyCheckpointSignatures(parsed.value, [stranger]).unknownKeys).toEqual([signer.name]);
    // The size changed after signing: the signature no longer matches.
    const forged = parseSignedCheckpoint(note.replace('\n42\n', '\n43\n'));
    if (!forged.ok) throw new Error(forged.message);
    expect(verifyCheckpointSignatures(forged.value, [verifier]).badSignatures).toEqual([
      signer.name,
    ]);
  });

  it.each([
    ['no blank line', 'a\n1\nAAAA\n'],
    ['a bad size', `o\n01\n${root.toString('base64')}\n\n\u2014 k AAAAAAA=\n`],
    ['a short root', 'o\n1\nAAAA\n\n\u2014 k AAAAAAA=\n'],
    ['no signatures', `o\n1\n${root.toString('base64')}\n\n`],
    ['a bad signature line', `o\n1\n${root.toString('base64')}\n\n- k AAAAAAA=\n`],
  ])('refuses a checkpoint with %s', (_, text) => {
    expect(parseSignedCheckpoint(text).ok).toBe(false);
  });

  it('verifies the example of docs/audit.md', () => {
    const example = [
      'signalbox-audit',
      '1000',
      'UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=',
      '',
      '\u2014 signalbox-audit qMpKw1PdHOK+CQgz8sBKcCqprASOGtsrV3ditxJ4Yy3Ubi2bwoj8CeUzih1z3Pu1N6ij2l6h3MUfVWiVZyRz+oktHws=',
      '',
    ].join('\n');
    const key = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 1));
    const parsed = parseSignedCheckpoint(example);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(Buffer.from(parsed.value.checkpoint.rootHash)).toEqual(
      createHash('sha256').update('example').digest(),
    );
    const trusted = [{ name: 'signalbox-audit', publicKey: rawEd25519PublicKey(key) }];
    expect(verifyCheckpointSignatures(parsed.value, trusted).verifiedBy).toEqual([
      'signalbox-audit',
    ]);
  });

  it('splits a checkpoint file into notes', () => {
    const a = signCheckpoint(checkpoint, signer);
    const b = signCheckpoint({ ...checkpoint, treeSize: 50 }, signer);
    expect(splitCheckpointFile(`${a}\n${b}\n`)).toEqual([a, b]);
    expect(splitCheckpointFile('')).toEqual([]);
  });

  it('refuses names with spaces', () => {
    expect(() => signCheckpoint(checkpoint, { ...signer, name: 'a b' })).toThrow(RangeError);
    expect(() => signCheckpoint({ ...checkpoint, origin: 'a\nb' }, signer)).toThrow(RangeError);
  });
});
