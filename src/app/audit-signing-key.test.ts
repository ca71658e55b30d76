import { generateKeyPairSync } from 'node:crypto';
import type * as Fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { splitCheckpointFile } from '../pipeline/audit/checkpoint.ts';
import { FileCheckpointSink, readCheckpointFile } from './audit-checkpoint-file.ts';
import {
  auditSigningKeyFileName,
  loadAuditSigningKey,
  parseAuditPublicKey,
} from './audit-signing-key.ts';

const directory = (): string => mkdtempSync(join(tmpdir(), 'signalbox-audit-key-'));

/** What the code under test synced and linked, in order (the real calls still happen). */
const diskCalls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      diskCalls.push(fs.fstatSync(fd).isDirectory() ? 'fsync directory' : 'fsync file');
      fs.fsyncSync(fd);
    },
    linkSync: (from: string, to: string) => {
      diskCalls.push('link');
      fs.linkSync(from, to);
    },
  };
});

describe('loadAuditSigningKey', () => {
  it('generates a key into the state directory with mode 0600, once', () => {
    const stateDir = directory();
    expect(loadAuditSigningKey({ environment: {}, stateDir, create: false })).toBeUndefined();
    const first = loadAuditSigningKey({ environment: {}, stateDir, create: true })!;
    const path = join(stateDir, auditSigningKeyFileName);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const again = loadAuditSigningKey({ environment: {}, stateDir, create: true })!;
    expect(again.verifier.publicKey).toEqual(first.verifier.publicKey);
    expect(again.source).toBe(path);
  });

  it('syncs a new key to disk before linking it into place, then the directory', () => {
    // A power cut after an unsynced link could leave an empty key file, and the next start
    // would refuse it.
    const stateDir = directory();
    diskCalls.length = 0;
    loadAuditSigningKey({ environment: {}, stateDir, create: true });
    expect(diskCalls).toEqual(['fsync file', 'link', 'fsync directory']);
    diskCalls.length = 0;
    loadAuditSigningKey({ environment: {}, stateDir, create: true });
    expect(diskCalls).toEqual([]);
  });

  it('gives processes starting together one key, never a file still being written', async () => {
    // Replicas share the state directory. A key file created in place and then written was
    // read empty by a process starting beside it, which then refused to start.
    const rounds = 150;
    const racers = 4;
    const directories = Array.from({ length: rounds }, directory);
    const barrier = new SharedArrayBuffer(rounds * Int32Array.BYTES_PER_ELEMENT);
    const results = await Promise.all(
      Array.from(
        { length: racers },
        () =>
          new Promise<string[]>((resolve, reject) => {
            const worker = new Worker(
              new URL('../../test/helpers/audit-key-racer.ts', import.meta.url),
              { workerData: { directories, barrier, racers } },
            );
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    directories.forEach((stateDir, round) => {
      const keys = new Set(results.map((keysOfRacer) => keysOfRacer[round]));
      expect([...keys]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
      // Only the key itself is left: no draft of a racer that lost.
      expect(readdirSync(stateDir)).toEqual([auditSigningKeyFileName]);
    });
  });

  it('reads a base64 seed or PKCS8 PEM from the environment or a file', () => {
    const stateDir = directory();
    const seed = Buffer.alloc(32, 2).toString('base64');
    const fromSeed = loadAuditSigningKey({
      environment: { SIGNALBOX_AUDIT_SIGNING_KEY: seed },
      stateDir,
      keyName: 'my-log',
      create: true,
    })!;
    expect(fromSeed.signer.name).toBe('my-log');
    expect(fromSeed.source).toBe('SIGNALBOX_AUDIT_SIGNING_KEY');
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const file = join(stateDir, 'key.pem');
    writeFileSync(file, pem);
    const fromFile = loadAuditSigningKey({
      environment: { SIGNALBOX_AUDIT_SIGNING_KEY_FILE: file },
      stateDir,
      create: true,
    })!;
    const fromPem = loadAuditSigningKey({
      environment: { SIGNALBOX_AUDIT_SIGNING_KEY: pem },
      stateDir,
      create: true,
    })!;
    expect(fromFile.verifier.publicKey).toEqual(fromPem.verifier.publicKey);
    // Nothing was generated: the environment named a key.
    expect(() => statSync(join(stateDir, auditSigningKeyFileName))).toThrow();
  });

  it('refuses both variables, bad keys and non-Ed25519 keys without echoing them', () => {
    const stateDir = directory();
    expect(() =>
      loadAuditSigningKey({
        environment: { SIGNALBOX_AUDIT_SIGNING_KEY: 'a', SIGNALBOX_AUDIT_SIGNING_KEY_FILE: 'b' },
        stateDir,
        create: true,
      }),
    ).toThrow(/only one/);
    const secret = Buffer.alloc(16, 1).toString('base64');
    expect(() =>
      loadAuditSigningKey({
        environment: { SIGNALBOX_AUDIT_SIGNING_KEY: secret },
        stateDir,
        create: true,
      }),
    ).toThrow(/^((?!AQEB).)*$/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(() =>
      loadAuditSigningKey({
        environment: { SIGNALBOX_AUDIT_SIGNING_KEY: rsa },
        stateDir,
        create: true,
      }),
    ).toThrow(/PEM Ed25519/);
  });

  it('parses public keys as PEM or base64', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = parseAuditPublicKey(
      publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      'x',
    );
    expect(raw).toHaveLength(32);
    expect(parseAuditPublicKey(Buffer.from(raw).toString('base64'), 'x')).toEqual(Buffer.from(raw));
    expect(() => parseAuditPublicKey('AAAA', 'x')).toThrow(/32 raw bytes/);
  });
});

describe('FileCheckpointSink', () => {
  it('appends one block per note that splits back into the notes', async () => {
    const path = join(directory(), 'checkpoints.txt');
    expect(await readCheckpointFile(path)).toBe('');
    const sink = new FileCheckpointSink(path);
    const a = 'log\n1\nAAAA\n\n\u2014 log AAAA\n';
    const b = 'log\n2\nBBBB\n\n\u2014 log BBBB\n';
    await Promise.all([sink.append(a), sink.append(b)]);
    expect(splitCheckpointFile(await readCheckpointFile(path))).toEqual([a, b]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
