import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PromptStore, PromptVersionRecord } from './prompt-store.ts';

function draft(
  promptId: string,
  content: string,
  createdAt = 1_000,
): Omit<PromptVersionRecord, 'version'> {
  const template = JSON.stringify({ messages: [{ content, role: 'user' }], variables: {} });
  return {
    promptId,
    template,
    sha256: createHash('sha256').update(template).digest('hex'),
    note: `note for ${content}`,
    createdAt,
    createdBy: 'key_admin',
  };
}

/** A backend under test, and a way to run a raw statement on its database (to try tampering). */
export interface OpenedPromptStore {
  readonly store: PromptStore;
  readonly reopen: () => Promise<PromptStore>;
  readonly execute: (sql: string, params: readonly (string | number)[]) => Promise<unknown>;
}

/** The behaviour every `PromptStore` backend must have. */
export function runPromptStoreConformance(
  name: string,
  open: () => Promise<OpenedPromptStore>,
): void {
  describe(`PromptStore conformance: ${name}`, () => {
    it('starts empty', async () => {
      const { store } = await open();
      expect(await store.listVersions('support')).toEqual([]);
      expect(await store.snapshot()).toEqual({ versions: [], labels: [] });
      expect(await store.findVersion('support', 1)).toBeUndefined();
    });

    it('numbers the versions of each prompt 1, 2, 3 on its own', async () => {
      const { store, reopen } = await open();
      const first = await store.addVersion(draft('support', 'a', 1));
      const second = await store.addVersion(draft('support', 'b', 2));
      const other = await store.addVersion(draft('billing', 'a', 3));
      const third = await store.addVersion(draft('support', 'c', 4));
      expect([first, second, third].map((added) => added.record.version)).toEqual([1, 2, 3]);
      expect([first, second, third, other].every((added) => added.created)).toBe(true);
      expect(other.record.version).toBe(1);
      expect(third.record).toEqual({ ...draft('support', 'c', 4), version: 3 });
      const again = await reopen();
      expect((await again.listVersions('support')).map((record) => record.version)).toEqual([
        3, 2, 1,
      ]);
      expect(await again.findVersion('support', 2)).toEqual({
        ...draft('support', 'b', 2),
        version: 2,
      });
      expect(await again.findVersion('support', 4)).toBeUndefined();
      expect(await again.findVersion('support', 1.5)).toBeUndefined();
    });

    it('returns the newest version instead of storing the same content again', async () => {
      const { store } = await open();
      await store.addVersion(draft('support', 'a', 1));
      const same = await store.addVersion({ ...draft('support', 'a', 50), note: 'other note' });
      expect(same).toEqual({ record: { ...draft('support', 'a', 1), version: 1 }, created: false });
      await store.addVersion(draft('support', 'b', 2));
      // Only the newest counts: going back to earlier content is a new version.
      const back = await store.addVersion(draft('support', 'a', 3));
      expect(back.created).toBe(true);
      expect(back.record.version).toBe(3);
    });

    it('keeps versions immutable: the database refuses UPDATE and DELETE', async () => {
      const { store, execute } = await open();
      await store.addVersion(draft('support', 'a', 1));
      await expect(
        execute(`UPDATE prompt_versions SET template = $1 WHERE prompt_id = $2`, ['x', 'support']),
      ).rejects.toThrow(/immutable/);
      await expect(
        execute(`DELETE FROM prompt_versions WHERE prompt_id = $1`, ['support']),
      ).rejects.toThrow(/immutable/);
      expect(await store.findVersion('support', 1)).toEqual({
        ...draft('support', 'a', 1),
        version: 1,
      });
    });

    it('keeps the label history append-only: the database refuses UPDATE and DELETE', async () => {
      const { store, execute } = await open();
      await store.addVersion(draft('support', 'a', 1));
      await store.moveLabel({
        promptId: 'support',
        label: 'production',
        targets: [{ version: 1, weight: 1 }],
        movedAt: 5,
        movedBy: 'key_a',
      });
      await expect(
        execute(`UPDATE prompt_label_moves SET targets = $1 WHERE prompt_id = $2`, [
          '[]',
          'support',
        ]),
      ).rejects.toThrow(/immutable/);
      await expect(
        execute(`DELETE FROM prompt_label_moves WHERE prompt_id = $1`, ['support']),
      ).rejects.toThrow(/immutable/);
      expect((await store.labelHistory('support')).map((move) => move.targets)).toEqual([
        [{ version: 1, weight: 1 }],
      ]);
    });

    it('gives concurrent adds distinct consecutive numbers', async () => {
      const { store } = await open();
      const added = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          store.addVersion(draft('busy', `c${String(index)}`)),
        ),
      );
      expect(added.every((result) => result.created)).toBe(true);
      expect(added.map((result) => result.record.version).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      const stored = await store.listVersions('busy');
      expect(stored.map((record) => record.version)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      // Each number holds the content of the add that was told it got that number.
      for (const result of added) {
        expect(stored.find((record) => record.version === result.record.version)?.sha256).toBe(
          result.record.sha256,
        );
      }
    });

    it('records label moves and lists them newest first', async () => {
      const { store, reopen } = await open();
      await store.addVersion(draft('support', 'a'));
      await store.addVersion(draft('support', 'b'));
      const first = await store.moveLabel({
        promptId: 'support',
        label: 'production',
        targets: [{ version: 1, weight: 1 }],
        movedAt: 10,
        movedBy: 'key_a',
      });
      const staging = await store.moveLabel({
        promptId: 'support',
        label: 'staging',
        targets: [{ version: 2, weight: 1 }],
        movedAt: 11,
        movedBy: 'key_a',
      });
      const split = await store.moveLabel({
        promptId: 'support',
        label: 'production',
        targets: [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
        movedAt: 12,
        movedBy: 'key_b',
      });
      expect(split).toEqual({
        seq: split.seq,
        promptId: 'support',
        label: 'production',
        targets: [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
        movedAt: 12,
        movedBy: 'key_b',
      });
      expect(first.seq).toBeLessThan(staging.seq);
      expect(staging.seq).toBeLessThan(split.seq);
      const again = await reopen();
      expect(await again.labelHistory('support', 'production')).toEqual([split, first]);
      expect(await again.labelHistory('support')).toEqual([split, staging, first]);
      expect(await again.labelHistory('billing')).toEqual([]);
    });

    it('refuses a move to a version the prompt does not have', async () => {
      const { store } = await open();
      await store.addVersion(draft('support', 'a'));
      await store.addVersion(draft('billing', 'a'));
      await store.addVersion(draft('billing', 'b'));
      const move = {
        promptId: 'support',
        label: 'production',
        targets: [
          { version: 1, weight: 1 },
          { version: 2, weight: 1 },
        ],
        movedAt: 1,
        movedBy: 'key_a',
      };
      await expect(store.moveLabel(move)).rejects.toThrow(RangeError);
      await expect(
        store.moveLabel({ ...move, targets: [{ version: 0, weight: 1 }] }),
      ).rejects.toThrow(RangeError);
      expect(await store.labelHistory('support')).toEqual([]);
    });

    it('snapshots every version and the latest move of each label, removed ones too', async () => {
      const { store } = await open();
      await store.addVersion(draft('support', 'a'));
      await store.addVersion(draft('support', 'b'));
      await store.addVersion(draft('billing', 'a'));
      const move = (promptId: string, label: string, version: number | undefined, at: number) =>
        store.moveLabel({
          promptId,
          label,
          targets: version === undefined ? [] : [{ version, weight: 1 }],
          movedAt: at,
          movedBy: 'key_a',
        });
      await move('support', 'production', 1, 1);
      const production = await move('support', 'production', 2, 2);
      await move('support', 'staging', 2, 3);
      const removed = await move('support', 'staging', undefined, 4);
      const billing = await move('billing', 'production', 1, 5);
      const snapshot = await store.snapshot();
      expect(snapshot.labels).toEqual([production, removed, billing]);
      expect(removed.targets).toEqual([]);
      expect(
        snapshot.versions.map((record) => `${record.promptId}@${String(record.version)}`).sort(),
      ).toEqual(['billing@1', 'support@1', 'support@2']);
    });

    it('has a revision that grows with every change', async () => {
      const { store } = await open();
      const seen = [await store.revision()];
      await store.addVersion(draft('support', 'a'));
      seen.push(await store.revision());
      await store.addVersion(draft('support', 'a'));
      seen.push(await store.revision());
      await store.moveLabel({
        promptId: 'support',
        label: 'production',
        targets: [{ version: 1, weight: 1 }],
        movedAt: 1,
        movedBy: 'key_a',
      });
      seen.push(await store.revision());
      await store.addVersion(draft('support', 'b'));
      seen.push(await store.revision());
      expect(seen[1]).toBeGreaterThan(seen[0] ?? Infinity);
      // A deduplicated add changes nothing, so the revision stays.
      expect(seen[2]).toBe(seen[1]);
      expect(seen[3]).toBeGreaterThan(seen[2] ?? Infinity);
      expect(seen[4]).toBeGreaterThan(seen[3] ?? Infinity);
    });

    it('treats ids that look like SQL as data', async () => {
      const { store } = await open();
      const hostile = "x'; DROP TABLE prompt_versions; --";
      await store.addVersion(draft('support', 'a'));
      const added = await store.addVersion(draft(hostile, 'a'));
      expect(added.record.version).toBe(1);
      expect(await store.findVersion("support' OR '1'='1", 1)).toBeUndefined();
      await store.moveLabel({
        promptId: hostile,
        label: "production' OR 1=1 --",
        targets: [{ version: 1, weight: 1 }],
        movedAt: 1,
        movedBy: 'key_a',
      });
      expect((await store.labelHistory(hostile, "production' OR 1=1 --")).length).toBe(1);
      expect(await store.labelHistory('support', "production' OR 1=1 --")).toEqual([]);
      expect((await store.listVersions('support')).length).toBe(1);
      expect((await store.snapshot()).versions.length).toBe(2);
    });
  });
}
