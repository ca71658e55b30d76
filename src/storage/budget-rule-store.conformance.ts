import { describe, expect, it } from 'vitest';
import type { BudgetRuleStore, StoredBudgetRule } from './budget-rule-store.ts';

function rule(
  id: string,
  createdAt: number,
  overrides: Partial<StoredBudgetRule> = {},
): StoredBudgetRule {
  return {
    id,
    scope: 'key',
    match: 'key_a',
    limitNanos: 20_000,
    period: 'day',
    hard: true,
    createdAt,
    createdBy: 'admin',
    updatedAt: createdAt,
    updatedBy: 'admin',
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

/** The behaviour every `BudgetRuleStore` backend must have. */
export function runBudgetRuleStoreConformance(
  name: string,
  open: () => Promise<{ store: BudgetRuleStore; reopen: () => Promise<BudgetRuleStore> }>,
): void {
  describe(`BudgetRuleStore conformance: ${name}`, () => {
    it('stores rules and reads them back exactly, oldest first, from another connection', async () => {
      const { store, reopen } = await open();
      expect(await store.list()).toEqual([]);
      const big = rule('bud_2', 2, {
        scope: 'tag',
        match: null,
        limitNanos: 123_456_789_012_345,
        period: 'total',
        hard: false,
      });
      await store.insert(rule('bud_1', 1));
      await store.insert(big);
      const other = await reopen();
      expect(await other.list()).toEqual([rule('bud_1', 1), big]);
      expect(await other.find('bud_2')).toEqual(big);
      expect(await other.find("bud_1' OR '1'='1")).toBeUndefined();
    });

    it('refuses a second rule with the same id', async () => {
      const { store } = await open();
      await store.insert(rule('bud_1', 1));
      await expect(store.insert(rule('bud_1', 2))).rejects.toThrow();
    });

    it('changes only the limit and mode given, and records who changed it', async () => {
      const { store } = await open();
      await store.insert(rule('bud_1', 1));
      const raised = await store.update('bud_1', { limitNanos: 50_000 }, 10, 'key_b');
      expect(raised).toEqual(
        rule('bud_1', 1, { limitNanos: 50_000, updatedAt: 10, updatedBy: 'key_b' }),
      );
      const soft = await store.update('bud_1', { hard: false }, 11, 'key_c');
      expect(soft).toMatchObject({ limitNanos: 50_000, hard: false, updatedAt: 11 });
      expect(await store.update('bud_missing', { hard: true }, 12, 'x')).toBeUndefined();
    });

    it('revokes a rule once, keeps it for history, and refuses to edit it afterwards', async () => {
      const { store } = await open();
      await store.insert(rule('bud_1', 1));
      await store.insert(rule('bud_2', 2, { match: 'key_b' }));
      const revoked = await store.revoke('bud_1', 20, 'key_r');
      expect(revoked).toMatchObject({ id: 'bud_1', revokedAt: 20, revokedBy: 'key_r' });
      expect(await store.revoke('bud_1', 21, 'key_r')).toBeUndefined();
      expect(await store.update('bud_1', { limitNanos: 1 }, 22, 'key_r')).toBeUndefined();
      expect((await store.listActive()).map((entry) => entry.id)).toEqual(['bud_2']);
      expect((await store.list()).map((entry) => entry.id)).toEqual(['bud_1', 'bud_2']);
      expect(await store.find('bud_1')).toMatchObject({ revokedAt: 20, limitNanos: 20_000 });
    });
  });
}
