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
