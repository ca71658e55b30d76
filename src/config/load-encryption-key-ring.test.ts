import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptionKeyError, encryptionKeyId } from '../lib/encryption-key-ring.ts';
import { loadEncryptionKeyRing } from './load-encryption-key-ring.ts';

const current = randomBytes(32);
const previousOne = randomBytes(32);
const previousTwo = randomBytes(32);

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'signalbox-key-')), 'key');
  writeFileSync(path, content);
  return path;
}

describe('loadEncryptionKeyRing', () => {
  it('is undefined when no key is set', () => {
    expect(loadEncryptionKeyRing({})).toBeUndefined();
    expect(loadEncryptionKeyRing({ SIGNALBOX_ENCRYPTION_KEY: '' })).toBeUndefined();
  });

  it('reads the current key from the environment or from a file', () => {
    const fromVariable = loadEncryptionKeyRing({
      SIGNALBOX_ENCRYPTION_KEY: current.toString('base64'),
    });
    const fromFile = loadEncryptionKeyRing({
      SIGNALBOX_ENCRYPTION_KEY_FILE: file(`${current.toString('hex')}\n`),
    });
    expect(fromVariable?.current.id).toBe(encryptionKeyId(current));
    expect(fromFile?.current.id).toBe(encryptionKeyId(current));
  });

  it('reads previous keys comma-separated and one per line from a file', () => {
    const ring = loadEncryptionKeyRing({
      SIGNALBOX_ENCRYPTION_KEY: current.toString('base64'),
      SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS: ` ${previousOne.toString('hex')} ,`,
      SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS_FILE: file(
        `# retired 2026-01\n${previousTwo.toString('base64')}\n\n`,
      ),
    });
    expect(ring?.ids).toEqual([current, previousOne, previousTwo].map(encryptionKeyId));
  });

  it('refuses contradictory, malformed or unreadable settings, naming the variable only', () => {
    const short = randomBytes(16).toString('base64');
    const cases: [Record<string, string>, RegExp][] = [
      [
        {
          SIGNALBOX_ENCRYPTION_KEY: current.toString('base64'),
          SIGNALBOX_ENCRYPTION_KEY_FILE: file(current.toString('base64')),
        },
        /only one of SIGNALBOX_ENCRYPTION_KEY and SIGNALBOX_ENCRYPTION_KEY_FILE/,
      ],
      [{ SIGNALBOX_ENCRYPTION_KEY: short }, /SIGNALBOX_ENCRYPTION_KEY must hold exactly 32 bytes/],
      [{ SIGNALBOX_ENCRYPTION_KEY_FILE: file(short) }, /SIGNALBOX_ENCRYPTION_KEY_FILE .* 32 bytes/],
      [
        { SIGNALBOX_ENCRYPTION_KEY_FILE: '/nonexistent/signalbox.key' },
        /cannot be read \(ENOENT\)/,
      ],
      [
        {
          SIGNALBOX_ENCRYPTION_KEY: current.toString('base64'),
          SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS: `${previousOne.toString('hex')},${short}`,
        },
        /SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS entry 2/,
      ],
      [{ SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS: previousOne.toString('hex') }, /needs a current key/],
    ];
    for (const [environment, message] of cases) {
      let failure: unknown;
      try {
        loadEncryptionKeyRing(environment);
      } catch (error) {
        failure = error;
      }
      expect(failure, JSON.stringify(Object.keys(environment))).toBeInstanceOf(EncryptionKeyError);
      expect((failure as Error).message).toMatch(message);
      expect((failure as Error).message).not.toContain(short);
      expect((failure as Error).message).not.toContain(current.toString('base64'));
    }
  });
});
