import { fillRandom, randomBytes } from './random.ts';
import { systemClock, type Clock } from './clock.ts';

const hex: string[] = Array.from({ length: 256 }, (_, index) =>
  index.toString(16).padStart(2, '0'),
);
const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let lastTimestamp = -1;
let sequence = 0;
/** Scratch space for one id; ids are built synchronously, so one buffer serves every call. */
const idBytes = Buffer.alloc(16);

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids created in
 * the same millisecond in order within this process, then 62 random bits. Ids sort by creation time.
 */
export function createTimeOrderedId(clock: Clock = systemClock): string {
  let timestamp = clock.now();
  if (timestamp <= lastTimestamp) {
    timestamp = lastTimestamp;
    sequence += 1;
    if (sequence > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond to stay ordered.
      timestamp = lastTimestamp + 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastTimestamp = timestamp;
  const bytes = idBytes;
  fillRandom(bytes, 8, 8);
  bytes[0] = Math.floor(timestamp / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(timestamp / 2 ** 32) & 0xff;
  bytes[2] = (timestamp >>> 24) & 0xff;
  bytes[3] = (timestamp >>> 16) & 0xff;
  bytes[4] = (timestamp >>> 8) & 0xff;
  bytes[5] = timestamp & 0xff;
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let text = '';
  for (let index = 0; index < 16; index += 1) {
    if (index === 4 || index === 6 || index === 8 || index === 10) {
      text += '-';
    }
    text += hex[bytes[index] ?? 0] ?? '00';
  }
  return text;
}

/**
 * A random string over [0-9A-Za-z] with the given length. Uses rejection sampling, so every
 * character is uniform (no modulo bias). Suitable for secrets.
 */
export function createRandomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    const bytes = randomBytes(length * 2);
    for (const byte of bytes) {
      // 248 = 62 * 4: bytes at or above it would bias the first characters.
      if (byte < 248) {
        text += base62Alphabet.charAt(byte % 62);
        if (text.length === length) {
          break;
        }
      }
    }
  }
  return text;
}
