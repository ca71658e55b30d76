import { describe, expect, it } from 'vitest';
import { createLogger, redactLogValue } from './logger.ts';

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { lines, logger };
}

/** Field names that carry secrets in the objects the gateway and its libraries log. */
const secretNames = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'Proxy-Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-api-key',
  'X-Api-Key',
  'api-key',
  'x-goog-api-key',
  'x-amz-security-token',
  'apiKey',
  'api_key',
  'key',
  'secret',
  'password',
  'token',
  'accessToken',
  'access_token',
  'refresh_token',
  'id_token',
  'sessionToken',
  'client_secret',
  'clientSecret',
  'privateKey',
  'private_key',
  'secretAccessKey',
  'aws_secret_access_key',
  'aws_session_token',
  'credentials',
];

/** Where a field may sit in a logged object: top level, nested a few levels, headers, arrays. */
const placements: readonly [string, (name: string, value: string) => Record<string, unknown>][] = [
  ['top level', (name, value) => ({ [name]: value })],
  ['one level down', (name, value) => ({ provider: { [name]: value } })],
  ['two levels down', (name, value) => ({ config: { provider: { [name]: value } } })],
  ['three levels down', (name, value) => ({ a: { b: { c: { [name]: value } } } })],
  ['four levels down', (name, value) => ({ a: { b: { c: { d: { [name]: value } } } } })],
  ['headers', (name, value) => ({ headers: { [name]: value } })],
  ['request headers', (name, value) => ({ request: { headers: { [name]: value } } })],
  [
    'nested request headers',
    (name, value) => ({ upstream: { request: { headers: { [name]: value } } } }),
  ],
  ['an array', (name, value) => ({ providers: [{ id: 'a' }, { [name]: value }] })],
  ['an object inside the secret field', (name, value) => ({ [name]: { value } })],
];

describe('log redaction', () => {
  it.each(secretNames)('never writes a value under %s, wherever it sits', (name) => {
    const { lines, logger } = capture();
    placements.forEach(([, build], index) => {
      logger.info(build(name, `CANARY-${index}-${name}`), 'message');
    });
    expect(lines).toHaveLength(placements.length);
    const output = lines.join('');
    for (const [where] of placements) {
      expect(output, where).not.toContain('CANARY-');
    }
    expect(output).toContain('[redacted]');
  });

  it('keeps fields that only look alike, and the objects it was given', () => {
    const { lines, logger } = capture();
    const given = {
      keyId: 'QmF7Y9LwSO0q',
      tokens: 12,
      max_tokens: 50,
      headers: { 'content-type': 'application/json', authorization: 'Bearer CANARY-a' },
      request: { model: 'gpt-4o' },
    };
    logger.info(given, 'message');
    const line = lines[0] ?? '';
    expect(line).toContain('"keyId":"QmF7Y9LwSO0q"');
    expect(line).toContain('"tokens":12');
    expect(line).toContain('"max_tokens":50');
    expect(line).toContain('"content-type":"application/json"');
    expect(line).toContain('"model":"gpt-4o"');
    expect(line).not.toContain('CANARY-a');
    // The caller's object is untouched.
    expect(given.headers.authorization).toBe('Bearer CANARY-a');
  });

  it("redacts an error's own fields but keeps its type, message and stack", () => {
    const { lines, logger } = capture();
    const error = Object.assign(new TypeError('upstream refused'), {
      request: { headers: { 'x-api-key': 'CANARY-error-field' } },
      password: 'CANARY-error-password',
    });
    logger.error({ err: error }, 'request failed');
    const line = lines[0] ?? '';
    expect(line).not.toContain('CANARY-');
    expect(line).toContain('"type":"TypeError"');
    expect(line).toContain('"message":"upstream refused"');
    expect(line).toContain('"stack":"TypeError: upstream refused');
    expect(error.password).toBe('CANARY-error-password');
  });

  it('redacts bindings of child loggers', () => {
    const { lines, logger } = capture();
    logger.child({ headers: { cookie: 'CANARY-binding' }, component: 'x' }).warn('message');
    expect(lines.join('')).not.toContain('CANARY-');
    expect(lines.join('')).toContain('"component":"x"');
  });

  it('survives cyclic objects', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => redactLogValue(cyclic)).not.toThrow();
  });
});
