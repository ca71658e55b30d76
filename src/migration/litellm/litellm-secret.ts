/**
 * Where a secret comes from. `literal` and `missing` are never written out: the converted file
 * names a per-provider environment variable instead and the report says what to export.
 */
export type SecretSource =
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'missing' };

/** LiteLLM's way of reading a value from the environment: `os.environ/NAME`. */
const environmentReference = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** The variable a LiteLLM `os.environ/NAME` value names, or undefined for any other value. */
export function environmentVariableOf(value: unknown): string | undefined {
  return typeof value === 'string' ? environmentReference.exec(value.trim())?.[1] : undefined;
}

/** A LiteLLM secret value as a source; undefined when the value is not a non-empty string. */
export function readSecret(
  value: unknown,
): Extract<SecretSource, { kind: 'env' | 'literal' }> | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  const variable = environmentVariableOf(value);
  return variable === undefined ? { kind: 'literal', value } : { kind: 'env', name: variable };
}
