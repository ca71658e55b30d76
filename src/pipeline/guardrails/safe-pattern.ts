/**
 * Operator-defined patterns run on every request, so they must not backtrack catastrophically.
 * JavaScript's engine backtracks, and a linear-time engine (RE2) would be a native dependency;
 * instead a pattern is accepted only in a subset where backtracking stays polynomial and small:
 * no backreferences, no look-arounds, no quantifier applied to a group that itself contains a
 * quantifier or an alternation (`(a+)+`, `(a|aa)*`), bounded repetition counts of at most 1000,
 * and at most 1000 characters. The per-scan time budget bounds what remains.
 */
export type SafePatternResult =
  { readonly ok: true; readonly pattern: RegExp } | { readonly ok: false; readonly reason: string };

interface GroupState {
  quantified: boolean;
  alternated: boolean;
}

const maximumLength = 1000;
const maximumRepeat = 1000;

/** Why `source` falls outside the safe subset, or undefined when it is inside. */
function findUnsafeConstruct(source: string): string | undefined {
  if (source.length > maximumLength) return `longer than ${maximumLength} characters`;
  const stack: GroupState[] = [{ quantified: false, alternated: false }];
  let lastGroup: GroupState | undefined;
  let index = 0;
  while (index < source.length) {
    const character = source[index] ?? '';
    const current = stack.at(-1) ?? { quantified: false, alternated: false };
    if (character === '\\') {
      const next = source[index + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not allowed';
      const braced = /^[pPu]\{[^}]*\}/.exec(source.slice(index + 1));
      index += 1 + (braced?.[0].length ?? 1);
      lastGroup = undefined;
      continue;
    }
    if (character === '[') {
      index += 1;
      while (index < source.length && source[index] !== ']')
        index += source[index] === '\\' ? 2 : 1;
      index += 1;
      lastGroup = undefined;
      continue;
    }
    if (character === '(') {
      if (/^\(\?<?[=!]/.test(source.slice(index))) return 'look-arounds are not allowed';
      stack.push({ quantified: false, alternated: false });
      index += 1;
      lastGroup = undefined;
      continue;
    }
    if (character === ')') {
      const closed = stack.pop();
      const parent = stack.at(-1);
      if (closed === undefined || parent === undefined) return 'unbalanced parentheses';
      parent.quantified ||= closed.quantified;
      lastGroup = closed;
      index += 1;
      continue;
    }
    if (character === '|') current.alternated = true;
    const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(index));
    if (character === '*' || character === '+' || character === '?' || repeat !== null) {
      const bounds =
        repeat === null ? [] : [repeat[1], repeat[2]].map((value) => Number(value ?? 0));
      if (bounds.some((bound) => bound > maximumRepeat)) {
        return `repetition counts above ${maximumRepeat} are not allowed`;
      }
      if (lastGroup !== undefined && (lastGroup.quantified || lastGroup.alternated)) {
        return 'a quantifier on a group that contains a quantifier or alternation is not allowed';
      }
      current.quantified = true;
      index += repeat?.[0].length ?? 1;
      if (source[index] === '?') index += 1;
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
    index += 1;
  }
  return stack.length === 1 ? undefined : 'unbalanced parentheses';
}

/**
 * Why a pattern (run with the `u` flag, as JSON Schema's `pattern` is) falls outside the safe
 * subset or does not compile, or undefined when it is safe to run on any text. Pure, never throws.
 * Unlike `compileSafePattern` it accepts patterns that match the empty string.
 */
export function unsafePatternReason(source: string): string | undefined {
  const unsafe = findUnsafeConstruct(source);
  if (unsafe !== undefined) return unsafe;
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid pattern';
  }
}

/**
 * Compiles an operator pattern (global, Unicode; case-insensitive when asked) if it is inside the
 * safe subset. Never throws; the reason names the construct, never any text it would match.
 */
export function compileSafePattern(source: string, ignoreCase = false): SafePatternResult {
  const unsafe = findUnsafeConstruct(source);
  if (unsafe !== undefined) return { ok: false, reason: unsafe };
  try {
    const pattern = new RegExp(source, ignoreCase ? 'giu' : 'gu');
    if (pattern.test('')) return { ok: false, reason: 'the pattern matches the empty string' };
    return { ok: true, pattern };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'invalid pattern' };
  }
}
