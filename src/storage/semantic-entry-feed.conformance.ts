import { describe, expect, it } from 'vitest';
import type { SemanticEntryFeed, SharedSemanticEntry } from './ports.ts';

function entry(origin: string, index: number, expiresAt: number): SharedSemanticEntry {
  return {
    origin,
    partition: `partition-${String(index % 2)}`,
    vector: Float32Array.from([index, 0.5, -0.25, 1e-3]),
    signature: `number:${String(index)}`,
    address: {
      org: 'acme',
      scope: 'org:acme',
      alias: 'gpt',
      digest: String(index).padStart(64, '0'),
    },
    expiresAt,
  };
}

/** The shared behaviour of every SemanticEntryFeed backend. */
export function runSemanticEntryFeedConformance(
  name: string,
  open: () => Promise<SemanticEntryFeed>,
): void {
  describe(`${name} semantic entry feed`, () => {
    it('returns entries in order after a cursor, vectors bit for bit, and skips expired ones', async () => {
      const feed = await open();
      const now = Date.now();
      for (let index = 0; index < 5; index += 1) {
        await feed.append(entry('p1', index, index === 2 ? now - 1 : now + 60_000));
      }
      const first = await feed.read(undefined, now, 2);
      expect(first.entries.map((found) => found.signature)).toEqual(['number:0', 'number:1']);
      expect(first.entries[1]).toEqual(entry('p1', 1, now + 60_000));
      const rest = await feed.read(first.cursor, now, 10);
      expect(rest.entries.map((found) => found.signature)).toEqual(['number:3', 'number:4']);
      const none = await feed.read(rest.cursor, now, 10);
      expect(none).toEqual({ entries: [], cursor: rest.cursor });
      await feed.append(entry('p2', 9, now + 60_000));
      expect((await feed.read(rest.cursor, now, 10)).entries.map((found) => found.origin)).toEqual([
        'p2',
      ]);
      await feed.close();
    });
  });
}
