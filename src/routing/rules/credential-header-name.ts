/** Header names that carry a credential outright. */
const credentialHeaderNames: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
]);

/**
 * Name endings that mark a credential. `-api-key` covers provider-style key headers such as
 * Gemini's `x-goog-api-key`, which a client may send to a gateway that speaks that dialect.
 */
const credentialHeaderSuffixes: readonly string[] = ['-token', '-secret', '-api-key', '-password'];

/**
 * True when a request header of this name carries a credential and must never be visible to
 * routing rules (nor to anything that logs or evaluates the facts). Case-insensitive; pure.
 */
export function isCredentialHeaderName(name: string): boolean {
  const lowerName = name.toLowerCase();
  if (credentialHeaderNames.has(lowerName)) {
    return true;
  }
  for (const suffix of credentialHeaderSuffixes) {
    if (lowerName.endsWith(suffix)) {
      return true;
    }
  }
  return false;
}
