/** A prompt id: lowercase letters, digits, `.`, `_`, `-`, at most 64 characters. */
export const promptIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A label name: a lowercase letter, then lowercase letters, digits, `_`, `-`; at most 32. */
export const promptLabelPattern = /^[a-z][a-z0-9_-]{0,31}$/;

/** The label that always means a prompt's newest version; it cannot be moved or removed. */
export const latestLabel = 'latest';

/** The label a request that names neither a version nor a label is served from. */
export const defaultLabel = 'production';

/** A variable name: an identifier of ASCII letters, digits and `_`, at most 64 characters. */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Untrusted text cut to a length fit for an error message. */
export function shortened(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 80)}…`;
}
