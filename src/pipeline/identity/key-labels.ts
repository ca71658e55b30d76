/**
 * The team and tags a virtual key carries, for routing rules and reports (`key.team`,
 * `key.tags`). One set of rules, shared by the admin API and the CLI, so both accept exactly the
 * same labels.
 */

/** A team id: shaped like a provider id, so it can appear in rules and metrics labels as is. */
export const teamPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A tag: like a team id, also allowing `.` and `:` (`region:eu`, `tier.gold`). */
export const tagPattern = /^[a-z0-9][a-z0-9_.:-]{0,62}$/;

/** Most tags one key may carry. */
export const maxTagsPerKey = 32;

/** What a team id must look like, worded to follow the field's name in an error message. */
export const teamRule =
  'must be 1-63 characters of lowercase letters, digits, "-" and "_", starting with a letter or digit';

/** What a tag must look like, worded to follow the field's name in an error message. */
export const tagRule =
  'must be 1-63 characters of lowercase letters, digits, "_", ".", ":" and "-", starting with a letter or digit';

/** One thing wrong with a list of tags; `index` is the offending entry, absent for the whole list. */
export interface TagProblem {
  readonly index: number | undefined;
  readonly message: string;
}

/** Whether `team` is a valid team id. Pure. */
export function isValidTeam(team: string): boolean {
  return teamPattern.test(team);
}

/**
 * The first problem with a list of tags (too many, a malformed entry, a repeated entry), or
 * undefined when the list is acceptable. Pure.
 */
export function findTagProblem(tags: readonly string[]): TagProblem | undefined {
  if (tags.length > maxTagsPerKey) {
    return { index: undefined, message: `must hold at most ${String(maxTagsPerKey)} tags` };
  }
  const seen = new Set<string>();
  for (const [index, tag] of tags.entries()) {
    if (!tagPattern.test(tag)) {
      return { index, message: tagRule };
    }
    if (seen.has(tag)) {
      return { index, message: `repeats the tag "${tag}"` };
    }
    seen.add(tag);
  }
  return undefined;
}

/**
 * Tags in the order they are stored and shown: sorted by code unit, so the same set always reads
 * the same whatever order it was given in. Returns a new array; pure.
 */
export function orderTags(tags: readonly string[]): string[] {
  return [...tags].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}
