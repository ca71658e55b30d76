import type { Random } from '../../lib/random.ts';

/** Fisher–Yates on a copy, driven by the injected generator (reproducible with a seed). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    const held = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = held;
  }
  return copy;
}

/** Splits indices 0..count-1 into `folds` near-equal shuffled folds; returns each fold's members. */
export function kFolds(count: number, folds: number, random: Random): number[][] {
  const order = shuffled(
    Array.from({ length: count }, (_, i) => i),
    random,
  );
  return Array.from({ length: folds }, (_, f) =>
    order.filter((_, position) => position % folds === f),
  );
}

/**
 * A held-out split stratified by group: within each group (in first-seen order), a seeded
 * shuffle puts round(share · size) members in `test` and the rest in `train`. Indices ascend.
 */
export function stratifiedHoldOut(
  groups: readonly string[],
  share: number,
  random: Random,
): { train: number[]; test: number[] } {
  const members = new Map<string, number[]>();
  groups.forEach((group, index) => {
    const list = members.get(group) ?? [];
    list.push(index);
    members.set(group, list);
  });
  const test: number[] = [];
  for (const indices of members.values())
    test.push(...shuffled(indices, random).slice(0, Math.round(share * indices.length)));
  const held = new Set(test);
  return {
    train: groups.flatMap((_, index) => (held.has(index) ? [] : [index])),
    test: test.sort((a, b) => a - b),
  };
}
