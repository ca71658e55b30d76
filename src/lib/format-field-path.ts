/**
 * A field's path as clients write it (`tags[2]`, `metadata.team`), for errors that name the
 * field at fault; an empty path is the empty string. Pure.
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${String(segment)}]`
        : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}
