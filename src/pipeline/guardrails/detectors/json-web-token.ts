import { isJsonObject, safeParseJson } from '../../../lib/json.ts';

/** Three base64url segments; the header always starts `eyJ` (base64 of `{"`). */
export const jwtPattern =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,4000}\.[A-Za-z0-9_-]{2,20000}\.[A-Za-z0-9_-]{0,4000}(?![A-Za-z0-9_-])/g;

/** True when the first segment decodes to a JSON object header with an `alg` or `typ` member. */
export function hasJwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  const parsed = safeParseJson(Buffer.from(header, 'base64url').toString('utf8'));
  return (
    parsed.ok &&
    isJsonObject(parsed.value) &&
    (typeof parsed.value.alg === 'string' || typeof parsed.value.typ === 'string')
  );
}
