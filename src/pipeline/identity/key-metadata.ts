/**
 * The bounds of a key's metadata: a flat object of strings, numbers and booleans, for reports
 * and the operator's own bookkeeping. Metadata grants nothing and is never interpreted.
 */

/** Most entries one key's metadata may hold. */
export const maxMetadataEntries = 32;

/** Longest string value, in characters. */
export const maxMetadataValueLength = 512;

/** An entry name: like a tag, also allowing upper case, so names read as they do in other tools. */
export const metadataNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * The first problem with a metadata object (too many entries, a bad name, a nested or too long
 * value), as a path below `metadata` and a message; undefined when acceptable. Pure.
 */
export function findMetadataProblem(
  metadata: Readonly<Record<string, unknown>>,
): { readonly path: readonly string[]; readonly message: string } | undefined {
  const entries = Object.entries(metadata);
  if (entries.length > maxMetadataEntries) {
    return { path: [], message: `must hold at most ${String(maxMetadataEntries)} entries` };
  }
  for (const [name, value] of entries) {
    if (!metadataNamePattern.test(name)) {
      return {
        path: [name],
        message:
          'names must be 1-64 letters, digits, "_", ".", ":" and "-", starting with a letter or digit',
      };
    }
    if (typeof value === 'string') {
      if (value.length > maxMetadataValueLength) {
        return {
          path: [name],
          message: `must be at most ${String(maxMetadataValueLength)} characters`,
        };
      }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        return { path: [name], message: 'must be a finite number' };
      }
    } else if (typeof value !== 'boolean') {
      return {
        path: [name],
        message: 'must be a string, a number or a boolean (metadata is flat)',
      };
    }
  }
  return undefined;
}
