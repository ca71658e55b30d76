import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ed25519PrivateKeyFromSeed,
  parseSignedCheckpoint,
  signCheckpoint,
  splitCheckpointFile,
} from '../pipeline/audit/checkpoint.ts';
import { FileCheckpointSink, repairTornCheckpointTail } from './audit-checkpoint-file.ts';

const signer = {
  name: 'test/log',
  privateKey: ed25519PrivateKeyFromSeed(new Uint8Array(32).fill(7)),
};

function note(treeSize: number): string {
  return signCheckpoint(
    { origin: 'test/log', treeSize, rootHash: new Uint8Array(32).fill(treeSize) },
    signer,
  );
}

function fileWith(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'signalbox-checkpoints-')), 'checkpoints.txt');
  if (text !== '') writeFileSync(path, text);
  return path;
}

function sizes(path: string): number[] {
  return splitCheckpointFile(readFileSync(path, 'utf8')).map((text) => {
    const parsed = parseSignedCheckpoint(text);
    if (!parsed.ok) throw new Error(`unparseable note: ${parsed.message}`);
    return parsed.value.checkpoint.treeSize;
  });
}

describe('a checkpoint file after a crash', () => {
  it('cuts off a note torn half-way, so the file verifies and the next note starts clean', async () => {
    const whole = `${note(3)}\n${note(6)}\n`;
    const torn = note(9);
    const body = torn.indexOf('\n\n') + 1;
    for (const cut of [
      1,
      20,
      body,
      body + 1,
      body + 5,
      Math.floor(torn.length / 2),
      torn.length - 1,
    ]) {
      const path = fileWith(whole + torn.slice(0, cut));
      expect(await repairTornCheckpointTail(path)).toBe('repaired');
      expect(readFileSync(path, 'utf8')).toBe(whole);
      await new FileCheckpointSink(path).append(note(12));
      expect(sizes(path)).toEqual([3, 6, 12]);
    }
  });

  it('keeps a complete note whose closing blank line is missing, and leaves intact files alone', async () => {
    const complete = fileWith(`${note(3)}\n${note(6)}`);
    expect(await repairTornCheckpointTail(complete)).toBe('repaired');
    expect(sizes(complete)).toEqual([3, 6]);
    expect(readFileSync(complete, 'utf8').endsWith('\n\n')).toBe(true);
    const intact = fileWith(`${note(3)}\n`);
    expect(await repairTornCheckpointTail(intact)).toBe('intact');
    expect(await repairTornCheckpointTail(fileWith(''))).toBe('intact');
    // A single torn note and nothing before it.
    const lone = fileWith(note(3).slice(0, 30));
    expect(await repairTornCheckpointTail(lone)).toBe('repaired');
    expect(readFileSync(lone, 'utf8')).toBe('');
  });
});
