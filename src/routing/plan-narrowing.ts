/** Narrowing that rules of an outer group pass down to its nested groups. */
export interface Narrowing {
  readonly tags: readonly string[];
  readonly regions: ReadonlySet<string> | undefined;
  readonly exclude: ReadonlySet<string>;
}

export const noNarrowing: Narrowing = { tags: [], regions: undefined, exclude: new Set() };

/** Whether `tags` holds every one of `required`. */
export function hasEvery(tags: readonly string[], required: readonly string[]): boolean {
  for (const tag of required) {
    if (!tags.includes(tag)) {
      return false;
    }
  }
  return true;
}

/** `narrowing` with a rule's tags, regions (intersected) and exclusions added. */
export function narrow(
  narrowing: Narrowing,
  tags: readonly string[],
  regions: readonly string[] | undefined,
  exclude: ReadonlySet<string>,
): Narrowing {
  if (tags.length === 0 && regions === undefined && exclude.size === 0) {
    return narrowing;
  }
  const combinedRegions =
    regions === undefined
      ? narrowing.regions
      : new Set(
          narrowing.regions === undefined
            ? regions
            : regions.filter((region) => narrowing.regions?.has(region)),
        );
  return {
    tags: [...narrowing.tags, ...tags],
    regions: combinedRegions,
    exclude: exclude.size === 0 ? narrowing.exclude : new Set([...narrowing.exclude, ...exclude]),
  };
}
